import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findService, toPgPoolConfig, type Topology } from '@neo/topology';
import { readLocalMigrations } from './local-migrations.js';
import { migrateTarget } from './migrate-target.js';
import { MigrationError } from './migration.error.js';
import { planMigrationTargets, type MigrationTargetKind } from './plan-migration-targets.js';

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
}

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
 * or shards, and its schema in the monolith), in order, each target once, recording them in
 * `_prisma_migrations` as Prisma does. Safe to rerun: applied migrations are skipped.
 *
 * Stops at the first target that refuses or fails, throwing its `MigrationError` (targets
 * migrated before it stay migrated; a rerun continues where this one stopped).
 */
export async function migrateFleet(options: MigrateFleetOptions): Promise<FleetMigrationResult[]> {
  const prismaRoot = options.prismaRoot ?? DEFAULT_PRISMA_ROOT;
  const log = options.log ?? (() => undefined);
  const services = await servicesToMigrate(options.topology, options.services, prismaRoot, log);
  const results: FleetMigrationResult[] = [];
  for (const service of services) {
    const migrations = await readLocalMigrations(migrationsDirectory(options.topology, service, prismaRoot));
    const targets = planMigrationTargets(options.topology, service, { monolith: options.monolith ?? true });
    log(`${service}: ${migrations.length} migration(s), ${targets.length} target(s)`);
    for (const target of targets) {
      const result = await migrateTarget(
        { label: target.label, connection: toPgPoolConfig(target.node), ...(target.node.schema ? { schema: target.node.schema } : {}) },
        migrations,
        { log, ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: options.lockTimeoutMs } : {}) },
      );
      results.push({ service, kind: target.kind, ...(target.shard ? { shard: target.shard } : {}), ...result });
    }
  }
  return results;
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
