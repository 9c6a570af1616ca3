import { TopologyError } from './topology.error.js';
import type { DeclaredNode, Topology } from './topology.schema.js';

/** Where the topology runtime started each node: keyed by `"<cluster>/<node>"`. */
export type Endpoints = Record<string, { host: string; port: number }>;

/** The key of a node in `Endpoints`: `core/core-primary`. */
export function endpointKey(cluster: string, node: string): string {
  return `${cluster}/${node}`;
}

/** The key of a cluster's PgBouncer in `Endpoints`: `core:pgbouncer` (a node name cannot hold ":"). */
export function pgbouncerEndpointKey(cluster: string): string {
  return `${cluster}:pgbouncer`;
}

/**
 * The key of a cluster's current primary in `Endpoints`: `core:primary`, written by
 * `neo-db failover` once it promoted a replica; its address is the promoted node's.
 */
export function primaryEndpointKey(cluster: string): string {
  return `${cluster}:primary`;
}

/**
 * A copy of the topology in which every node that was declared without host/port takes
 * them from `endpoints`, and so does each declared `pgbouncer` the runtime started.
 * Declared hosts and ports are kept: those servers run elsewhere.
 * An endpoint for a node the topology does not declare is refused (it means the runtime
 * and the topology disagree). A cluster's `primaryEndpointKey` (after a failover) naming one of
 * its replicas' addresses makes that replica the primary and the declared primary a replica.
 */
export function bindTopology(topology: Topology, endpoints: Endpoints): Topology {
  const bound = structuredClone(topology);
  const known = new Set<string>();
  for (const [clusterName, cluster] of Object.entries(bound.clusters)) {
    for (const node of [cluster.primary, ...cluster.replicas]) {
      const key = endpointKey(clusterName, node.name);
      known.add(key);
      const endpoint = endpoints[key];
      if (endpoint && !isBound(node)) {
        node.host = endpoint.host;
        node.port = endpoint.port;
      }
    }
    const primaryKey = primaryEndpointKey(clusterName);
    known.add(primaryKey);
    const current = endpoints[primaryKey];
    const promoted = current ? cluster.replicas.findIndex((node) => node.host === current.host && node.port === current.port) : -1;
    if (promoted !== -1) {
      const declaredPrimary = cluster.primary;
      cluster.primary = cluster.replicas[promoted]!;
      cluster.replicas = cluster.replicas.map((node, index) => (index === promoted ? declaredPrimary : node));
    }
    if (cluster.pgbouncer) {
      const key = pgbouncerEndpointKey(clusterName);
      known.add(key);
      const endpoint = endpoints[key];
      // A new block: clusters may share one declared block (a YAML alias).
      if (endpoint && cluster.pgbouncer.host === undefined)
        cluster.pgbouncer = { ...cluster.pgbouncer, host: endpoint.host, port: endpoint.port };
    }
  }
  const unknown = Object.keys(endpoints).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new TopologyError(
      'TOPOLOGY_UNKNOWN_NODE',
      `Endpoints were given for nodes the topology does not declare: ${unknown.join(', ')} — start the runtime from the same topology file, or remove those endpoints`,
    );
  }
  return bound;
}

/** True when the node has an address: declared as external, or bound to a started server. */
export function isBound(node: DeclaredNode): node is DeclaredNode & { host: string; port: number } {
  return node.host !== undefined && node.port !== undefined;
}
