import { dataNodeLabel, type DataNode } from '@neo/topology';
import type { SqlRunner } from './sql-runner.js';

/** One copy of a partitioned table: on which primary, and its name there (with the schema inside the monolith). */
export interface PartitionPlace {
  /** `analytics/analytics-primary/neo_monitoring`, `monolith/monolith-primary/neo_service_layer/monitoring`. */
  label: string;
  sql: SqlRunner;
  /** `metric_samples`, or `monitoring.metric_samples` in the monolith. */
  table: string;
}

/**
 * Every place a service's partitioned table lives, from the nodes of its data source: each
 * primary, once per database and schema. A service that switches sides has its table in its own
 * database and in its schema in the monolith, and both need their partitions: writes go to either
 * side, and a cutover's replication copies rows from one to the other.
 */
export function partitionPlaces(nodes: ReadonlyArray<{ node: DataNode; pool: SqlRunner }>, table: string): PartitionPlace[] {
  const places = new Map<string, PartitionPlace>();
  for (const { node, pool } of nodes) {
    if (node.role !== 'primary') continue;
    const label = dataNodeLabel(node);
    if (!places.has(label)) places.set(label, { label, sql: pool, table: node.schema === undefined ? table : `${node.schema}.${table}` });
  }
  return [...places.values()];
}
