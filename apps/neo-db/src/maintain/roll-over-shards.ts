import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { findService, openYearShard, serviceShards, type Shard, type Topology } from '@neo/topology';
import { parsePrismaModels } from '@neo/data/cutover';
import { migrateFleet } from '@neo/data/migrations';
import { connectProvisionTarget, planShardDatabases, provisionShardDatabases, type RunningTopology } from '@neo/topology-runtime';
import type { AdminLogin } from '@neo/data/cutover';
import { rowsBeyondRange } from './rows-beyond-range.js';

export interface RollOverShardsOptions {
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** Services to maintain; default: every service whose sharding declares `rollover`. */
  services?: readonly string[];
  /** A login per cluster allowed to create databases and hand them to the service's owner role (a superuser). */
  admin: (cluster: string) => AdminLogin;
  /** `prisma/` of the workspace: the services' migrations and schema.prisma. */
  prismaRoot: string;
  /** The moment whose layout is made ready (default: now). */
  now?: Date;
  /** How long to wait for another instance doing the same (default 60 s). */
  lockTimeoutMs?: number;
  /**
   * The topology's start (`npm start`, `neo-db provision --migrate`) has just made, granted and
   * migrated every database of the layout at `now`: only refuse stranded rows, make nothing again.
   */
  checkOnly?: boolean;
  log: (line: string) => void;
}

export interface RolledOverShard {
  service: string;
  shard: string;
  cluster: string;
  database: string;
  /** False when an earlier run (or the runtime's start) had already made it. */
  created: boolean;
}

/** The rollover found rows that its new layout would make unreachable; nothing was changed. */
export class ShardRolloverRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardRolloverRefusal';
  }
}

/**
 * Makes ready, for every service with `sharding.rollover`, the shards its layout has at `now`
 * beyond the declared ones (next year's, from January 1 minus `aheadDays` on): creates each
 * database with the owner, app and read-only grants of a declared shard, and applies the
 * service's migrations to it, so the layout routes to a database that exists and has its tables.
 *
 * Safe to run again and from several places at once: one advisory lock per service (on its
 * cluster's `postgres` database) makes runs take turns, and each step only adds what is missing.
 *
 * Refuses, changing nothing, when a shard the rollover closes (the open-ended one) already holds
 * rows dated at or after its new end: they would no longer be found once the next shard is routed to.
 */
export async function rollOverShards(options: RollOverShardsOptions): Promise<RolledOverShard[]> {
  const now = options.now ?? new Date();
  const services =
    options.services ?? Object.keys(options.topology.services).filter((name) => options.topology.services[name]!.sharding?.rollover);
  const made: RolledOverShard[] = [];
  for (const service of services) made.push(...(await rollOverService(service, now, options)));
  return made;
}

async function rollOverService(service: string, now: Date, options: RollOverShardsOptions): Promise<RolledOverShard[]> {
  const { topology, log } = options;
  const declared = findService(topology, service);
  const sharding = declared.sharding;
  const open = sharding?.rollover ? openYearShard(sharding.shards) : undefined;
  if (!sharding?.rollover || !open) {
    log(`maintain: ${service} declares no shard rollover, nothing to do`);
    return [];
  }
  const layout = serviceShards(declared, now);
  const added = layout.filter((shard) => !sharding.shards.some((own) => own.name === shard.name));
  if (added.length === 0) {
    const next = open.year + 1;
    const from = new Date(Date.UTC(next, 0, 1) - sharding.rollover.aheadDays * 86_400_000);
    log(`maintain: ${service} has every shard it needs; ${next}'s is made from ${from.toISOString().slice(0, 10)} on`);
    return [];
  }

  const clusterOf = (shard: Shard): string => shard.cluster ?? declared.cluster;
  const lockCluster = clusterOf(open.shard);
  const lock = await connectAdmin(options, lockCluster, 'postgres');
  try {
    await lock.query(`set lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs ?? 60_000))}`);
    await lock.query('select pg_advisory_lock(hashtextextended($1, 0))', [`neo-db maintain: shard rollover of ${service}`]);

    await refuseRowsBeyondRange(service, layout, sharding.shards, clusterOf, sharding.key, sharding.models, options);
    if (options.checkOnly) {
      for (const shard of added) log(`maintain: ${service} shard ${shard.name} (${clusterOf(shard)}/${shard.database}) ready`);
      return added.map((shard) => ({ service, shard: shard.name, cluster: clusterOf(shard), database: shard.database, created: false }));
    }

    const made: RolledOverShard[] = [];
    for (const cluster of [...new Set(added.map(clusterOf))]) {
      const databases = added.filter((shard) => clusterOf(shard) === cluster).map((shard) => shard.database);
      const plan = planShardDatabases(topology, cluster, databases, now);
      const { createdDatabases } = await provisionShardDatabases(adminTarget(options, cluster), plan, log);
      for (const shard of added.filter((candidate) => clusterOf(candidate) === cluster)) {
        made.push({ service, shard: shard.name, cluster, database: shard.database, created: createdDatabases.includes(shard.database) });
      }
    }
    // Migrated before anything routes there: the layout at `now` is the one the migrator plans.
    await migrateFleet({ topology, services: [service], monolith: false, prismaRoot: options.prismaRoot, now, log });
    for (const shard of made) {
      log(
        `maintain: ${service} shard ${shard.shard} (${shard.cluster}/${shard.database}) ${shard.created ? 'created and migrated' : 'ready'}`,
      );
    }
    return made;
  } finally {
    await lock.end();
  }
}

/**
 * Each shard the layout closes (it was open-ended, or is a rolled-over year that is no longer the
 * latest) may hold no row at or after its new end. Such rows were written with a date in the
 * future while that shard was the latest one.
 */
async function refuseRowsBeyondRange(
  service: string,
  layout: readonly Shard[],
  declared: readonly Shard[],
  clusterOf: (shard: Shard) => string,
  key: string,
  shardedModels: readonly string[],
  options: RollOverShardsOptions,
): Promise<void> {
  const prismaDir = findService(options.topology, service).prismaDir ?? service;
  const schema = readFileSync(join(options.prismaRoot, prismaDir, 'schema.prisma'), 'utf8');
  const models = parsePrismaModels(schema).filter((model) => shardedModels.includes(model.name));
  const closedByRollover = layout.filter((shard) => {
    const before = declared.find((own) => own.name === shard.name);
    return shard.range?.to !== undefined && (before === undefined || before.range?.to === undefined);
  });
  for (const shard of closedByRollover) {
    const end = String(shard.range!.to);
    const client = await connectAdmin(options, clusterOf(shard), 'postgres');
    const exists = await client
      .query('select 1 from pg_database where datname = $1', [shard.database])
      .then((result) => (result.rowCount ?? 0) > 0)
      .finally(() => client.end());
    if (!exists) continue;
    const inShard = await connectAdmin(options, clusterOf(shard), shard.database);
    const beyond = await rowsBeyondRange(inShard, models, key, end).finally(() => inShard.end());
    if (beyond.length === 0) continue;
    const next = layout[layout.indexOf(shard) + 1];
    const rows = beyond
      .map(
        (found) =>
          `${found.count} row(s) of ${found.model} (${found.table}) dated ${found.earliest.toISOString()} to ${found.latest.toISOString()}`,
      )
      .join('; ');
    throw new ShardRolloverRefusal(
      `neo-db maintain: ${service} shard ${shard.name} (${clusterOf(shard)}/${shard.database}) already holds ${rows}, ` +
        `at or after ${end}, where it is to end. Once ${next?.name ?? 'the next shard'} is routed to, they could no longer be found, ` +
        `so nothing was created. Written with a date in the future: correct their ${key} (or delete them), or copy them into ` +
        `${next?.database ?? "the next year's database"} and delete them from ${shard.database}, then run neo-db maintain ${service} again.`,
    );
  }
}

function connectAdmin(options: RollOverShardsOptions, cluster: string, database: string): Promise<pg.Client> {
  return connectProvisionTarget(adminTarget(options, cluster), database);
}

function adminTarget(options: RollOverShardsOptions, cluster: string) {
  const declared = options.topology.clusters[cluster];
  const primary = declared?.primary;
  if (!declared || !primary?.host || !primary.port) {
    throw new Error(`Cluster "${cluster}" has no running primary in the topology: start it first (npm start), or give its host and port.`);
  }
  const login = options.admin(cluster);
  return {
    host: primary.host,
    port: primary.port,
    user: login.user,
    ...(login.password !== undefined ? { password: login.password } : {}),
    ...(declared.tls ? { tls: declared.tls } : {}),
  };
}

/**
 * After the topology's start made and migrated every database of today's layout: checks that no
 * shard the rollover closes strands rows (see `rollOverShards`), before any service routes.
 */
export async function checkRolledOverShards(running: RunningTopology, prismaRoot: string, log: (line: string) => void): Promise<void> {
  await rollOverShards({
    topology: running.topology,
    admin: (cluster) => running.admin[cluster] ?? running.topology.clusters[cluster]!.credentials,
    prismaRoot,
    log,
    checkOnly: true,
  });
}
