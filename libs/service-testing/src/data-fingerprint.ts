import type { Topology } from '@neo/data';
import { dataNodeLabel, monolithTarget, serviceTargets, shardTargets, type DataNode } from '@neo/topology';
import type pg from 'pg';
import { connectClient } from '@neo/testing';
import type { ServiceSide } from './service-http-table.js';

/** A database (or monolith schema) holding some of a service's rows, on its primary. */
export interface DataTarget {
  side: ServiceSide;
  /** `core/core-primary/neo_storage_2025`, `monolith/monolith-primary/neo_service_layer/storage`. */
  label: string;
  node: DataNode;
}

/** Every place a service's rows live: its schema in the monolith, its own database and each shard. */
export function serviceDataTargets(topology: Topology, service: string): DataTarget[] {
  const own = [serviceTargets(topology, service).primary, ...shardTargets(topology, service).map((shard) => shard.primary)];
  return [
    { side: 'monolith' as const, node: monolithTarget(topology, service) },
    ...own.map((node) => ({ side: 'service' as const, node })),
  ].map((target) => ({ ...target, label: dataNodeLabel(target.node) }));
}

/** Per target, per table: row count and a digest of every row. */
export type Fingerprint = Record<string, Record<string, string>>;

/**
 * Tells whether anything was written: a digest of every row of every table of a service, on
 * both sides. Taken before and after requests that must write nothing, the two are equal.
 */
export class DataFingerprints {
  private constructor(
    readonly targets: readonly DataTarget[],
    private readonly clients: readonly pg.Client[],
  ) {}

  static async open(topology: Topology, service: string): Promise<DataFingerprints> {
    let targets: DataTarget[];
    try {
      targets = serviceDataTargets(topology, service);
    } catch (error) {
      throw new Error(
        `the HTTP suites read ${service}'s rows on both sides; start the monolith's cluster with the service's (NEO_TEST_CLUSTERS=<cluster>,monolith): ${(error as Error).message}`,
        { cause: error },
      );
    }
    const clients: pg.Client[] = [];
    try {
      for (const target of targets) clients.push(await connectClient(target.node));
    } catch (error) {
      await Promise.allSettled(clients.map((client) => client.end()));
      throw error;
    }
    return new DataFingerprints(targets, clients);
  }

  /** The fingerprint of every target; `side` narrows it to one side's targets. */
  async take(side?: ServiceSide): Promise<Fingerprint> {
    const result: Fingerprint = {};
    for (const [index, target] of this.targets.entries()) {
      if (side !== undefined && target.side !== side) continue;
      result[target.label] = await tableDigests(this.clients[index]!, target.node.schema ?? 'public');
    }
    return result;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.clients.map((client) => client.end()));
  }
}

async function tableDigests(client: pg.Client, schema: string): Promise<Record<string, string>> {
  // Parents of partitioned tables stand for their partitions; Prisma's own bookkeeping is not data.
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> '_prisma_migrations'
      ORDER BY 1`,
    [schema],
  );
  const digests: Record<string, string> = {};
  for (const { name } of tables) {
    const table = `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
    const { rows } = await client.query<{ n: number; digest: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS digest FROM ${table} t`,
    );
    digests[name] = `${rows[0]!.n} rows, ${rows[0]!.digest ?? 'empty'}`;
  }
  return digests;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
