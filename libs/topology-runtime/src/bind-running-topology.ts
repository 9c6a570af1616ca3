import type { DeclaredNode, Topology } from '@neo/topology';
import type { ProviderRun } from './provider-run.js';
import { endpointKey } from './topology-runtime.types.js';

/**
 * The topology as it runs: each running node gets its host/port, replicas that
 * do not run are left out, and (external) databases carry their prefix and
 * clusters the credentials of their URL. Clusters that were not started stay as declared.
 */
export function bindRunningTopology(topology: Topology, run: ProviderRun): Topology {
  const bound = structuredClone(topology);
  const bindNode = (cluster: string, node: DeclaredNode): DeclaredNode | undefined => {
    const endpoint = run.endpoints[endpointKey(cluster, node.name)];
    return endpoint ? { ...node, host: endpoint.host, port: endpoint.port } : undefined;
  };
  for (const [name, cluster] of Object.entries(bound.clusters)) {
    const primary = bindNode(name, cluster.primary);
    if (!primary) continue;
    cluster.primary = primary;
    cluster.replicas = cluster.replicas.flatMap((replica) => bindNode(name, replica) ?? []);
    const credentials = run.credentials?.[name];
    if (credentials) cluster.credentials = { ...credentials };
  }
  const rename = (database: string): string => run.databaseNames?.[database] ?? database;
  for (const service of Object.values(bound.services)) {
    service.database = rename(service.database);
    for (const shard of service.sharding?.shards ?? []) shard.database = rename(shard.database);
  }
  bound.monolith.database = rename(bound.monolith.database);
  return bound;
}
