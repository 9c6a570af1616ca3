import { createPartitionOnce } from './create-partition-once.js';
import { PartitioningError } from './partitioning.error.js';
import { quoteLiteral, type SqlRunner } from './sql-runner.js';
import { addRetentionPolicySql, createHypertableSql, detectTimescale } from './timescale.js';
import {
  addPeriods,
  createTimePartitionSql,
  dropPartitionSql,
  partitionFor,
  periodOfPartitionName,
  periodStart,
  type PartitionInterval,
} from './time-partitions.js';

/** A time-partitioned table of the cold tier, as the topology declares it. */
export interface TimePartitioning {
  /** The parent table, `table` or `schema.table`. */
  table: string;
  /** Its time column (SQL name). */
  column: string;
  interval: PartitionInterval;
  /** Periods created ahead of the current one, so inserts never find a missing partition (default 3). */
  premake?: number;
  /** A partition whose whole range is older than this is dropped. */
  retentionDays: number;
  /**
   * `auto` (default): TimescaleDB hypertable and retention policy when the extension is
   * installed and the table is a plain table; native declarative partitions otherwise.
   */
  engine?: 'auto' | 'native' | 'timescale';
}

export interface PartitionMaintenance {
  engine: 'native' | 'timescale';
  /** Partitions created by this run (native). */
  created: string[];
  /** Partitions dropped by this run (native). */
  dropped: string[];
}

/**
 * Creates the partitions of the current and the next `premake` periods and drops the
 * partitions that lie wholly before `now - retentionDays`. Idempotent: run it at start
 * and then periodically (e.g. hourly). With TimescaleDB, the table becomes a hypertable
 * and TimescaleDB's own retention policy drops old chunks.
 */
export async function maintainTimePartitions(db: SqlRunner, spec: TimePartitioning, now: Date = new Date()): Promise<PartitionMaintenance> {
  const engine = await chooseEngine(db, spec);
  if (engine === 'timescale') {
    await db.query(createHypertableSql(spec.table, spec.column, spec.interval));
    await db.query(addRetentionPolicySql(spec.table, spec.retentionDays));
    return { engine, created: [], dropped: [] };
  }
  if (!(await isNativelyPartitioned(db, spec.table))) {
    throw new PartitioningError(
      `Table ${spec.table} is not partitioned: create it with "PARTITION BY RANGE (${spec.column})" in its migration before its partitions can be maintained.`,
    );
  }
  const existing = await partitionNames(db, spec.table);
  const cutoff = new Date(now.getTime() - spec.retentionDays * 86_400_000);
  const dropped: string[] = [];
  for (const name of existing) {
    const from = periodOfPartitionName(spec.table, spec.interval, name);
    if (from && addPeriods(from, spec.interval, 1).getTime() <= cutoff.getTime()) {
      await db.query(dropPartitionSql(spec.table, name));
      dropped.push(name);
    }
  }
  const created: string[] = [];
  const current = periodStart(now, spec.interval);
  for (let step = 0; step <= (spec.premake ?? 3); step++) {
    const partition = partitionFor(spec.table, spec.interval, addPeriods(current, spec.interval, step));
    if (existing.includes(partition.name)) continue;
    if (await createPartitionOnce(db, createTimePartitionSql(spec.table, partition))) created.push(partition.name);
  }
  return { engine, created, dropped };
}

async function chooseEngine(db: SqlRunner, spec: TimePartitioning): Promise<'native' | 'timescale'> {
  const wanted = spec.engine ?? 'auto';
  if (wanted === 'native') return 'native';
  const timescale = await detectTimescale(db);
  if (wanted === 'timescale') {
    if (!timescale.installed) {
      throw new PartitioningError(
        `TimescaleDB was asked for ${spec.table} but the extension is not installed${timescale.available ? ' (it is available: CREATE EXTENSION timescaledb)' : ' nor available on this server'}.`,
      );
    }
    return 'timescale';
  }
  return timescale.installed && !(await isNativelyPartitioned(db, spec.table)) ? 'timescale' : 'native';
}

async function isNativelyPartitioned(db: SqlRunner, table: string): Promise<boolean> {
  const { rows } = await db.query<{ partitioned: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(${quoteLiteral(quotedForRegclass(table))})) AS partitioned`,
  );
  return rows[0]?.partitioned === true;
}

/** The names of the table's partitions. */
export async function partitionNames(db: SqlRunner, table: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT child.relname AS name
       FROM pg_inherits
       JOIN pg_class child ON child.oid = pg_inherits.inhrelid
      WHERE pg_inherits.inhparent = to_regclass($1)
      ORDER BY child.relname`,
    [quotedForRegclass(table)],
  );
  return rows.map((row) => row.name);
}

function quotedForRegclass(table: string): string {
  return table
    .split('.')
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join('.');
}
