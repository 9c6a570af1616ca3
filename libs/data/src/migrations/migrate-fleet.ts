import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import { findService, toPgPoolConfig, type Topology } from '@neo/topology';
import { readLocalMigrations, type LocalMigration } from './local-migrations.js';
import { migrateTarget } from './migrate-target.js';
import { MigrationError } from './migration.error.js';
import { planMigrationTargets, type PlannedMigrationTarget, type MigrationTargetKind } from './plan-migration-targets.js';

/** `prisma/` at the workspace root (the same four levels up from src/migrations and dist/migrations). */
export const DEFAULT_PRISMA_ROOT = fileURLToPath(new URL('../../../../prisma', import.meta.url));

export interface MigrateFleetOptions {
  /** A bound topology: every node has its host and port (see `bindTopology`). */
  topology: Topology;
  /**
   * Services to migrate. Default: every service of the topology that has a
   * `prisma/<service>/migrations` directory (the others are reported and left alone).
   */
  services?: string[];
  /** The directory holding `<service>/migrations` (default: the workspace's `prisma/`). */
  prismaRoot?: string;
  /** Include each service's schema inside the monolith (default true). */
  monolith?: boolean;
  log?: (line: string) => void;
  /** How long to wait for another run holding a target's migration lock. */
  lockTimeoutMs?: number;
  /** How many targets migrate at once (default 4). */
  concurrency?: number;
  /** The moment whose shard layout is migrated (default: now), so a rollover's next shard is migrated before it is routed to. */
  now?: Date;
}

/** Each target holds one connection while it migrates; a few at once keeps a laptop's servers responsive. */
const DEFAULT_MIGRATION_CONCURRENCY = 4;

export interface FleetMigrationResult {
  service: string;
  kind: MigrationTargetKind;
  shard?: string;
  /** Label of the target (never a password). */
  target: string;
  schema: string;
  applied: string[];
  skipped: number;
}

/**
 * Applies each service's Prisma migrations to every target the topology gives it (its database
 * or shards, and its schema in the monolith), in order within a target, each target once and a
 * few targets at a time, recording them in `_prisma_migrations` as Prisma does. Safe to rerun:
 * applied migrations are skipped.
 *
 * After the first target that refuses or fails, no new target starts; those under way finish and
 * its `MigrationError` is thrown (targets migrated stay migrated; a rerun continues from there).
 */
export async function migrateFleet(options: MigrateFleetOptions): Promise<FleetMigrationResult[]> {
  const prismaRoot = options.prismaRoot ?? DEFAULT_PRISMA_ROOT;
  const log = options.log ?? (() => undefined);
  const services = await servicesToMigrate(options.topology, options.services, prismaRoot, log);
  const jobs: { service: string; target: PlannedMigrationTarget; migrations: LocalMigration[] }[] = [];
  for (const service of services) {
    const migrations = await readLocalMigrations(migrationsDirectory(options.topology, service, prismaRoot));
    const targets = planMigrationTargets(options.topology, service, {
      monolith: options.monolith ?? true,
      ...(options.now ? { now: options.now } : {}),
    });
    log(`${service}: ${migrations.length} migration(s), ${targets.length} target(s)`);
    for (const target of targets) jobs.push({ service, target, migrations });
  }
  // Targets are separate databases or schemas: they migrate side by side, a few at a time. Two
  // targets in one database (the monolith's schemas) still take turns on Prisma's advisory lock.
  const limit = pLimit(options.concurrency ?? DEFAULT_MIGRATION_CONCURRENCY);
  let failed = false;
  const settled = await Promise.allSettled(
    jobs.map(({ service, target, migrations }) =>
      limit(async (): Promise<FleetMigrationResult | undefined> => {
        if (failed) return undefined; // after a failure, start nothing new: a rerun continues
        try {
          const result = await migrateTarget(
            { label: target.label, connection: toPgPoolConfig(target.node), ...(target.node.schema ? { schema: target.node.schema } : {}) },
            migrations,
            { log, ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}) },
          );
          return { service, kind: target.kind, ...(target.shard ? { shard: target.shard } : {}), ...result };
        } catch (error) {
          failed = true;
          throw error;
        }
      }),
    ),
  );
  const rejected = settled.find((outcome) => outcome.status === 'rejected');
  if (rejected) throw rejected.reason;
  return settled.flatMap((outcome) => (outcome.status === 'fulfilled' && outcome.value ? [outcome.value] : []));
}

/** `prisma/<prismaDir or service>/migrations`. */
export function migrationsDirectory(topology: Topology, service: string, prismaRoot: string = DEFAULT_PRISMA_ROOT): string {
  return join(prismaRoot, findService(topology, service).prismaDir ?? service, 'migrations');
}

async function servicesToMigrate(
  topology: Topology,
  requested: string[] | undefined,
  prismaRoot: string,
  log: (line: string) => void,
): Promise<string[]> {
  if (requested) {
    for (const service of requested) {
      const dir = migrationsDirectory(topology, service, prismaRoot);
      if (!(await exists(dir))) {
        throw new MigrationError(
          'MIGRATION_SERVICE_UNKNOWN',
          `Service "${service}" has no migrations directory (${dir}). Create its first migration with: npm run prisma:migrate:create -- ${service} init`,
        );
      }
    }
    return requested;
  }
  const withMigrations: string[] = [];
  for (const service of Object.keys(topology.services)) {
    if (await exists(migrationsDirectory(topology, service, prismaRoot))) withMigrations.push(service);
    else log(`${service}: no prisma/${topology.services[service]?.prismaDir ?? service}/migrations yet, skipped`);
  }
  return withMigrations;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
