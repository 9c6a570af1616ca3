import type { DataNode } from '@neo/topology';
import type { NodeMetricLabels } from './data-metrics.js';

/**
 * The labels of every series about one node: `database` (`neo_oracle`, or `neo_service_layer.storage`
 * for a schema inside a database), `node` (`blockchain/blockchain-replica-1`) and `role`. Topology
 * names only, so a label never holds a secret.
 */
export function nodeMetricLabels(node: DataNode): NodeMetricLabels {
  return {
    database: node.schema === undefined ? node.database : `${node.database}.${node.schema}`,
    node: `${node.cluster}/${node.node}`,
    role: node.role,
  };
}
