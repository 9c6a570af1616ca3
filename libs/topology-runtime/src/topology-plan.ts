import { allLayoutShards, type Cluster, type Topology } from '@neo/topology';
import { TopologyRuntimeError } from './errors.js';
import { planClusterAudit, type ClusterAuditPlan } from './provisioning/audit-plan.js';
import { planClusterRoles, type ClusterRolesPlan } from './provisioning/roles-plan.js';

/** What one cluster must hold: its role, its databases and, for the monolith, the schemas inside it. */
export interface ClusterPlan {
  name: string;
  cluster: Cluster;
  databases: DatabasePlan[];
  /** Service roles and the replication role it must hold (see `provisionRoles`). */
  roles: ClusterRolesPlan;
  /** What pgaudit logs on its servers, where they have it; absent when the topology audits nothing there. */
  audit?: ClusterAuditPlan;
}

export interface DatabasePlan {
  name: string;
  /** Schemas to create inside it (the monolith: one per service). */
  schemas: string[];
}

/**
 * Reads from the topology which databases each cluster needs: every service's
 * database on its cluster, each shard's database on `shard.cluster ?? service.cluster`,
 * and the monolith's database with one schema per service. Shards are those of the layout at
 * `now` (a rollover's next year included once it is within `aheadDays`).
 */
export function planClusters(topology: Topology, only?: string[], now: Date = new Date()): ClusterPlan[] {
  for (const name of only ?? []) {
    if (!topology.clusters[name]) {
      throw new TopologyRuntimeError(
        'RUNTIME_UNKNOWN_CLUSTER',
        `The cluster "${name}" was asked for but the topology has only: ${Object.keys(topology.clusters).join(', ')}.`,
      );
    }
  }
  const wanted = new Set(only ?? Object.keys(topology.clusters));
  const databases = new Map<string, Map<string, Set<string>>>();
  const addDatabase = (cluster: string, database: string, schema?: string): void => {
    if (!wanted.has(cluster)) return;
    const onCluster = databases.get(cluster) ?? new Map<string, Set<string>>();
    databases.set(cluster, onCluster);
    const schemas = onCluster.get(database) ?? new Set<string>();
    onCluster.set(database, schemas);
    if (schema) schemas.add(schema);
  };

  for (const [serviceName, service] of Object.entries(topology.services)) {
    addDatabase(service.cluster, service.database);
    for (const shard of allLayoutShards(service, now)) addDatabase(shard.cluster ?? service.cluster, shard.database);
    addDatabase(topology.monolith.cluster, topology.monolith.database, service.monolithSchema ?? serviceName);
  }
  addDatabase(topology.monolith.cluster, topology.monolith.database);

  return Object.entries(topology.clusters)
    .filter(([name]) => wanted.has(name))
    .map(([name, cluster]) => ({
      name,
      cluster,
      databases: [...(databases.get(name) ?? new Map<string, Set<string>>())].map(([database, schemas]) => ({
        name: database,
        schemas: [...schemas].sort(),
      })),
      roles: planClusterRoles(topology, name, now),
      ...auditOf(topology, name, now),
    }));
}

function auditOf(topology: Topology, cluster: string, now: Date): { audit?: ClusterAuditPlan } {
  const audit = planClusterAudit(topology, cluster, now);
  return audit ? { audit } : {};
}
