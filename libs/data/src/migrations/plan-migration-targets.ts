import { type DataNode, dataNodeLabel, monolithTarget, serviceTargets, shardTargets, type Topology } from '@neo/topology';

/** Where a planned target sits in the service's layout. */
export type MigrationTargetKind = 'database' | 'shard' | 'monolith';

export interface PlannedMigrationTarget {
  service: string;
  kind: MigrationTargetKind;
  /** The shard's name, for `kind: 'shard'`. */
  shard?: string;
  /** A primary: migrations are written there and reach replicas by replication. */
  node: DataNode;
  /** `core/core-primary/neo_storage_2025` or `core/core-primary/neo_service_layer/storage`. */
  label: string;
}

export interface PlanMigrationTargetsOptions {
  /** Include the service's schema inside the monolith (default true). */
  monolith?: boolean;
  /** The moment whose shard layout is migrated (default: now); see `effectiveShards`. */
  now?: Date;
}

/**
 * Every database a service's migrations must reach, each once, in the order they are migrated:
 * the service's own database (for a sharded service, its home database, where models that are
 * not sharded live), then each shard's database (both layouts during a reshard), then the service's
 * schema in the monolith.
 * Only primaries: replicas follow by streaming replication.
 */
export function planMigrationTargets(
  topology: Topology,
  service: string,
  options: PlanMigrationTargetsOptions = {},
): PlannedMigrationTarget[] {
  // Migrations run DDL: they connect as the service's owner role (the cluster's role when it declares none).
  const candidates: Array<Omit<PlannedMigrationTarget, 'label'>> = [
    { service, kind: 'database', node: serviceTargets(topology, service, 'owner').primary },
    // The next layout's shards too, while a reshard moves rows to them: they carry the same schema.
    ...[
      ...shardTargets(topology, service, 'owner', options.now ? { now: options.now } : {}),
      ...shardTargets(topology, service, 'owner', { layout: 'next' }),
    ].map((target) => ({
      service,
      kind: 'shard' as const,
      shard: target.shard.name,
      node: target.primary,
    })),
  ];
  if (options.monolith ?? true) candidates.push({ service, kind: 'monolith', node: monolithTarget(topology, service, 'owner') });

  // A shard declared on the service's own database (or twice) is still migrated once.
  const seen = new Set<string>();
  const planned: PlannedMigrationTarget[] = [];
  for (const candidate of candidates) {
    const key = `${candidate.node.host}:${candidate.node.port}/${candidate.node.database}/${candidate.node.schema ?? 'public'}`;
    if (seen.has(key)) continue;
    seen.add(key);
    planned.push({ ...candidate, label: dataNodeLabel(candidate.node) });
  }
  return planned;
}
