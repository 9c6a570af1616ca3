import { TopologyError } from './topology.error.js';
import type { DeclaredNode, Topology } from './topology.schema.js';

/**
 * Where the topology runtime started each node: keyed by `"<cluster>/<node>"`. `host`/`port` is
 * where clients (this machine's processes) connect; `replicationHost`/`replicationPort`, when the
 * servers reach one another elsewhere (containers on their own network), is for server-to-server links.
 * `ca`: the CA file the runtime made for a cluster that declares `tls` without one, which its clients
 * verify with.
 */
export type Endpoints = Record<string, Endpoint>;

export interface Endpoint {
  host: string;
  port: number;
  ca?: string;
  replicationHost?: string;
  replicationPort?: number;
}

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
 * them from `endpoints`, and so does each declared `pgbouncer` the runtime started; a cluster
 * that declares `tls` without a CA takes the one the runtime made (the endpoint's `ca`).
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
        Object.assign(node, endpointFields(endpoint));
        // A new block: clusters may share one declared block (a YAML alias).
        if (endpoint.ca && cluster.tls && cluster.tls.ca === undefined) cluster.tls = { ...cluster.tls, ca: endpoint.ca };
      }
    }
    known.add(primaryEndpointKey(clusterName));
    applyCurrentPrimary(clusterName, cluster, endpoints);
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

/**
 * After a failover: when the cluster's `primaryEndpointKey` names the address of one of its
 * replicas, that replica becomes the cluster's primary and the declared primary takes its place
 * among the replicas (in place, on a bound cluster).
 */
export function applyCurrentPrimary(clusterName: string, cluster: Topology['clusters'][string], endpoints: Endpoints): void {
  const current = endpoints[primaryEndpointKey(clusterName)];
  const promoted = current ? cluster.replicas.findIndex((node) => node.host === current.host && node.port === current.port) : -1;
  if (promoted === -1) return;
  const declaredPrimary = cluster.primary;
  cluster.primary = cluster.replicas[promoted]!;
  cluster.replicas = cluster.replicas.map((node, index) => (index === promoted ? declaredPrimary : node));
}

/** The node fields an endpoint sets: host and port, and the server-to-server address when it has one. */
export function endpointFields(endpoint: Endpoint): Pick<DeclaredNode, 'host' | 'port' | 'replicationHost' | 'replicationPort'> {
  return {
    host: endpoint.host,
    port: endpoint.port,
    ...(endpoint.replicationHost !== undefined ? { replicationHost: endpoint.replicationHost } : {}),
    ...(endpoint.replicationPort !== undefined ? { replicationPort: endpoint.replicationPort } : {}),
  };
}

/** True when the node has an address: declared as external, or bound to a started server. */
export function isBound(node: DeclaredNode): node is DeclaredNode & { host: string; port: number } {
  return node.host !== undefined && node.port !== undefined;
}
