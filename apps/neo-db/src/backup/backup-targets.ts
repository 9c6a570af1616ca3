import { allLayoutShards, type Topology } from '@neo/topology';

/** One database to back up: where it lives and what it belongs to. */
export interface BackupTarget {
  cluster: string;
  database: string;
  /** The service the database belongs to; absent for the monolith. */
  service?: string;
  /** The shard's name when the database is one shard of a sharded service. */
  shard?: string;
}

/** What `neo-db backup` was asked for: everything, one cluster, or one service (its database and shards). */
export type BackupScope = { cluster?: string; service?: string };

/**
 * Every database of the topology in scope, each once, in declaration order: the monolith,
 * then each service's own database followed by its shards.
 */
export function backupTargets(topology: Topology, scope: BackupScope = {}): BackupTarget[] {
  if (scope.cluster !== undefined && !Object.hasOwn(topology.clusters, scope.cluster)) {
    throw new Error(
      `Cluster "${scope.cluster}" is not declared in the topology — use one of: ${Object.keys(topology.clusters).join(', ')}`,
    );
  }
  if (scope.service !== undefined && !Object.hasOwn(topology.services, scope.service)) {
    throw new Error(
      `Service "${scope.service}" is not declared in the topology — use one of: ${Object.keys(topology.services).join(', ')}`,
    );
  }
  const all: BackupTarget[] = [];
  const add = (target: BackupTarget): void => {
    if (!all.some((seen) => seen.cluster === target.cluster && seen.database === target.database)) all.push(target);
  };
  add({ cluster: topology.monolith.cluster, database: topology.monolith.database });
  for (const [service, declared] of Object.entries(topology.services)) {
    add({ cluster: declared.cluster, database: declared.database, service });
    for (const shard of allLayoutShards(declared)) {
      add({ cluster: shard.cluster ?? declared.cluster, database: shard.database, service, shard: shard.name });
    }
  }
  return all.filter(
    (target) =>
      (scope.cluster === undefined || target.cluster === scope.cluster) &&
      (scope.service === undefined || target.service === scope.service),
  );
}

/** `core/neo_storage_2024 (storage, shard storage_2024)`: how progress lines and errors name a target. */
export function targetLabel(target: BackupTarget): string {
  const owner = target.service ? ` (${target.service}${target.shard ? `, shard ${target.shard}` : ''})` : ' (monolith)';
  return `${target.cluster}/${target.database}${owner}`;
}
