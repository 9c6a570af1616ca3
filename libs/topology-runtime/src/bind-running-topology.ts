import { applyCurrentPrimary, endpointFields, openYearShard, type DeclaredNode, type Topology } from '@neo/topology';
import type { ProviderRun } from './provider-run.js';
import { endpointKey } from './topology-runtime.types.js';

/**
 * The topology as it runs: each running node gets its host/port, replicas that
 * do not run are left out, the node the runtime started as primary after a failover is the primary, and (external) databases carry their prefix and
 * clusters the credentials of their URL. Clusters that were not started stay as declared.
 */
export function bindRunningTopology(topology: Topology, run: ProviderRun): Topology {
  const bound = structuredClone(topology);
  const bindNode = (cluster: string, node: DeclaredNode): DeclaredNode | undefined => {
    const endpoint = run.endpoints[endpointKey(cluster, node.name)];
    return endpoint ? { ...node, ...endpointFields(endpoint) } : undefined;
  };
  for (const [name, cluster] of Object.entries(bound.clusters)) {
    const primary = bindNode(name, cluster.primary);
    if (!primary) continue;
    cluster.primary = primary;
    cluster.replicas = cluster.replicas.flatMap((replica) => bindNode(name, replica) ?? []);
    // The runtime started a replica as the primary (it took over in a failover before this run).
    applyCurrentPrimary(name, cluster, run.endpoints);
    const tls = run.tls?.[name];
    if (tls && cluster.tls) cluster.tls = { ...cluster.tls, ca: cluster.tls.ca ?? tls.ca };
    // `tls: {}` asks the runtime for a local CA; a provider that made none (servers given by URL,
    // containers) runs this cluster as its servers are, so clients do not expect TLS there.
    else if (cluster.tls && cluster.tls.ca === undefined) delete cluster.tls;
    const credentials = run.credentials?.[name];
    if (credentials) cluster.credentials = { ...credentials };
  }
  const rename = (database: string): string => run.databaseNames?.[database] ?? database;
  for (const service of Object.values(bound.services)) {
    service.database = rename(service.database);
    const rollover = service.sharding?.rollover;
    const open = rollover ? openYearShard(service.sharding!.shards) : undefined;
    // Shards a rollover adds are named from its pattern: it gets the prefix the open-ended shard got.
    if (rollover && open && rename(open.shard.database).endsWith(open.shard.database)) {
      const renamed = rename(open.shard.database);
      rollover.database = renamed.slice(0, renamed.length - open.shard.database.length) + rollover.database;
    }
    for (const shard of [...(service.sharding?.shards ?? []), ...(service.sharding?.next?.shards ?? [])])
      shard.database = rename(shard.database);
  }
  bound.monolith.database = rename(bound.monolith.database);
  if (run.credentials && !run.rolesMade) withoutManagedRoles(bound);
  return bound;
}

/**
 * Servers given by URL where no roles were made: every connection uses the URL's user, so the
 * services' declared roles and the replication role are set aside.
 */
function withoutManagedRoles(topology: Topology): void {
  for (const service of Object.values(topology.services)) delete service.roles;
  for (const cluster of Object.values(topology.clusters)) delete cluster.replication;
}
