import { allLayoutShards, type Topology } from '@neo/topology';

/** What pgaudit logs on one cluster's servers, read from the topology's `audit` blocks. */
export interface ClusterAuditPlan {
  /** Classes every session logs (`pgaudit.log` of the server), e.g. ['ddl', 'role']; empty: none. */
  classes: string[];
  /** Databases whose sessions also log writes: the own databases and shards of services with `audit.writes`. */
  writeDatabases: string[];
  /**
   * Roles whose sessions in a database also log writes: a service's schema inside the monolith
   * shares the database with every other service, so only its own roles can be singled out.
   */
  writeRoles: { role: string; database: string }[];
}

/**
 * Reads a cluster's audit from the topology; `undefined` when nothing on it is audited (pgaudit is
 * then not loaded at all). `write` covers INSERT, UPDATE, DELETE, TRUNCATE and COPY FROM.
 */
export function planClusterAudit(topology: Topology, clusterName: string, now: Date = new Date()): ClusterAuditPlan | undefined {
  const declared = topology.clusters[clusterName]?.audit;
  const classes = declared ? [...(declared.ddl ? ['ddl'] : []), ...(declared.role ? ['role'] : [])] : [];
  const writeDatabases = new Set<string>();
  const writeRoles: ClusterAuditPlan['writeRoles'] = [];
  for (const service of Object.values(topology.services)) {
    if (!service.audit?.writes) continue;
    if (service.cluster === clusterName) writeDatabases.add(service.database);
    for (const shard of allLayoutShards(service, now)) {
      if ((shard.cluster ?? service.cluster) === clusterName) writeDatabases.add(shard.database);
    }
    if (topology.monolith.cluster === clusterName) {
      // Without its own roles a service writes as the cluster's role, which every such service
      // shares: its writes are then audited with theirs rather than not at all.
      const logins = service.roles
        ? [service.roles.owner.user, service.roles.app.user]
        : [topology.clusters[clusterName]!.credentials.user];
      for (const role of logins) {
        if (!writeRoles.some((entry) => entry.role === role)) writeRoles.push({ role, database: topology.monolith.database });
      }
    }
  }
  if (classes.length === 0 && writeDatabases.size === 0 && writeRoles.length === 0) return undefined;
  return { classes, writeDatabases: [...writeDatabases], writeRoles };
}

/** The `pgaudit.log` value of a class list ('none' for an empty one). */
export function pgauditLogValue(classes: string[]): string {
  return classes.length > 0 ? classes.join(', ') : 'none';
}
