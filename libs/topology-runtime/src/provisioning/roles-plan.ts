import { allLayoutShards, type Credentials, type Topology } from '@neo/topology';

/** What one service's roles may reach on one cluster. */
export interface ServiceAccess {
  service: string;
  owner: Credentials;
  app: Credentials;
  readonly?: Credentials;
  /** The service's own databases on this cluster: its database and its shards' databases. */
  databases: string[];
  /** Its schema inside the monolith, when the monolith lives on this cluster. */
  monolith?: { database: string; schema: string };
}

/** The roles and grants one cluster must hold, read from the topology. */
export interface ClusterRolesPlan {
  /** The role replicas (and logical replication) connect as; the only one with REPLICATION. */
  replication?: Credentials;
  /** Services that declare `roles` and own a database or a monolith schema on this cluster. */
  services: ServiceAccess[];
}

/**
 * Reads from the topology which service roles a cluster needs. Roles belong to a whole
 * PostgreSQL server, so a service's roles are made on every cluster it touches: its own,
 * its shards' (at `now`, see `effectiveShards`) and the monolith's. Services without `roles` keep
 * the cluster's role.
 */
export function planClusterRoles(topology: Topology, clusterName: string, now: Date = new Date()): ClusterRolesPlan {
  const cluster = topology.clusters[clusterName];
  const services: ServiceAccess[] = [];
  for (const [service, declared] of Object.entries(topology.services)) {
    if (!declared.roles) continue;
    const databases = new Set<string>();
    if (declared.cluster === clusterName) databases.add(declared.database);
    for (const shard of allLayoutShards(declared, now)) {
      if ((shard.cluster ?? declared.cluster) === clusterName) databases.add(shard.database);
    }
    const monolith =
      topology.monolith.cluster === clusterName
        ? { database: topology.monolith.database, schema: declared.monolithSchema ?? service }
        : undefined;
    if (databases.size === 0 && !monolith) continue;
    services.push({
      service,
      owner: declared.roles.owner,
      app: declared.roles.app,
      ...(declared.roles.readonly ? { readonly: declared.roles.readonly } : {}),
      databases: [...databases],
      ...(monolith ? { monolith } : {}),
    });
  }
  return { ...(cluster?.replication ? { replication: cluster.replication } : {}), services };
}
