import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createShardingStrategy } from '../../sharding/create-strategy.js';
import type { ShardingStrategy } from '../../sharding/sharding-strategy.js';
import { findService, toPgPoolConfig } from '@neo/topology';
import type { CutoverPlan } from '../cutover-plan.js';
import type { FlagWriter, WriteSide } from '../flag-writer.js';
import { qualified } from '../sql-text.js';
import { writeRedirectOf } from '../write-guard.js';
import type { CutoverFixture } from './cutover-fixture.js';

/** The table a load writes, and how its rows look. */
export interface LoadModel {
  table: string;
  /** The column each update sets (to a value the load remembers). */
  valueColumn: string;
  insert(id: string, n: number): { columns: string[]; values: unknown[]; shardKey: unknown };
}

export const TRANSACTIONS: LoadModel = {
  table: 'transactions',
  valueColumn: 'amount',
  insert: (id, n) => ({ columns: ['id', 'user_id', 'amount'], values: [id, n % 97, n], shardKey: n % 97 }),
};

/** Transactions that each reference one of the contracts 1–10 (to be there first): every insert checks a foreign key. */
export const TRANSACTIONS_OF_CONTRACTS: LoadModel = {
  table: 'transactions',
  valueColumn: 'amount',
  insert: (id, n) => ({ columns: ['id', 'user_id', 'contract_id', 'amount'], values: [id, n % 97, 1 + (n % 10), n], shardKey: n % 97 }),
};

export const STORAGE_OBJECTS: LoadModel = {
  table: 'storage_objects',
  valueColumn: 'size',
  insert: (id, n) => {
    const createdDate = new Date(Date.UTC(2024 + (n % 3), n % 12, 1 + (n % 28)));
    return {
      columns: ['id', 'key', 'owner', 'size', 'content_hash', 'created_date'],
      values: [id, `object-${n}`, `owner-${n % 13}`, n, 'a'.repeat(64), createdDate],
      shardKey: createdDate,
    };
  },
};

interface Written {
  value: number;
  shardKey: unknown;
}

export interface WriteTiming {
  startedAt: number;
  ms: number;
}

/**
 * A steady write load as a service would make it: each write goes to the side the write flag
 * names (read from the flag source every few milliseconds, like a service instance), to the
 * shard its key belongs to, and follows the write guard's redirects (SQLSTATE NC001), which
 * is what the data layer's write path does. Every acknowledged write is remembered, so a
 * test can check each is on the side of record exactly once.
 */
export class WriteLoad {
  readonly acknowledged = new Map<string, Written>();
  readonly failures: Error[] = [];
  readonly timings: WriteTiming[] = [];
  /**
   * Updates that failed without an answer (a server died mid-commit): the row may hold the new
   * value or the old one, and either is right.
   */
  private readonly uncertain = new Map<string, number>();
  redirects = 0;
  private side: WriteSide = 'monolith';
  private running = false;
  private paused = false;
  private inFlight = 0;
  private counter = 0;
  private readonly busy = new Set<string>();
  private workers: Promise<void>[] = [];
  private flagPoller: NodeJS.Timeout | undefined;
  private readonly monolith: pg.Pool;
  private targets: Array<{ name: string; pool: pg.Pool }>;
  private readonly strategy: ShardingStrategy | undefined;

  constructor(
    private readonly fixture: CutoverFixture,
    private readonly plan: CutoverPlan,
    private readonly model: LoadModel,
    private readonly flags: FlagWriter,
    private readonly concurrency = 4,
  ) {
    this.monolith = new pg.Pool({ ...toPgPoolConfig(plan.monolith), max: concurrency + 2 });
    this.monolith.on('error', () => undefined);
    this.targets = this.targetPools(plan);
    const sharding = findService(fixture.topology, fixture.service).sharding;
    const sharded = plan.tables.find((table) => table.table === model.table)?.role === 'sharded';
    this.strategy = sharding && sharded ? createShardingStrategy(sharding) : undefined;
  }

  /**
   * After a failover of the service's cluster: its writes go to the primaries of `plan` from now
   * on (a service's data layer finds the promoted node by itself; this load is told).
   */
  followPrimaries(plan: CutoverPlan): void {
    const old = this.targets;
    this.targets = this.targetPools(plan);
    void Promise.allSettled(old.map((target) => target.pool.end()));
  }

  private targetPools(plan: CutoverPlan): Array<{ name: string; pool: pg.Pool }> {
    return plan.targets
      .filter((target) => target.tables.some((table) => table.table === this.model.table))
      .map((target) => {
        const pool = new pg.Pool({ ...toPgPoolConfig(target.node), max: this.concurrency + 2 });
        pool.on('error', () => undefined);
        return { name: target.name, pool };
      });
  }

  /** Rows written before the load starts, straight into the monolith. */
  async seed(rows: number): Promise<void> {
    for (let start = 0; start < rows; start += 500) {
      const batch = Array.from({ length: Math.min(500, rows - start) }, () => this.next());
      const first = this.model.insert(batch[0]!.id, batch[0]!.n);
      const placeholders = batch.map(
        (_, row) => `(${first.columns.map((__, column) => `$${row * first.columns.length + column + 1}`).join(', ')})`,
      );
      const inserts = batch.map(({ id, n }) => ({ id, ...this.model.insert(id, n) }));
      await this.monolith.query(
        `INSERT INTO ${qualified(this.plan.monolith.schema, this.model.table)} (${first.columns.join(', ')}) VALUES ${placeholders.join(', ')}`,
        inserts.flatMap((insert) => insert.values),
      );
      for (const insert of inserts)
        this.acknowledged.set(insert.id, {
          value: Number(insert.values[first.columns.indexOf(this.model.valueColumn)]),
          shardKey: insert.shardKey,
        });
    }
  }

  async start(): Promise<void> {
    this.side = (await this.flags.read(this.fixture.service)).writeSide;
    this.running = true;
    this.flagPoller = setInterval(() => {
      this.flags.read(this.fixture.service).then(
        (values) => (this.side = values.writeSide),
        () => undefined,
      );
    }, 20);
    this.workers = Array.from({ length: this.concurrency }, () => this.work());
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.flagPoller);
    await Promise.all(this.workers);
    await Promise.allSettled([this.monolith.end(), ...this.targets.map((target) => target.pool.end())]);
  }

  /** Runs `check` with no write in flight, then lets the load go on. */
  async whilePaused<T>(check: () => Promise<T>): Promise<T> {
    this.paused = true;
    while (this.inFlight > 0) await sleep(5);
    try {
      return await check();
    } finally {
      this.paused = false;
    }
  }

  /**
   * Problems on a side: acknowledged writes missing, doubled or with a wrong value. `settle` runs
   * first with no write in flight (e.g. to let the side that follows catch up).
   */
  async problemsOn(side: WriteSide, settle?: () => Promise<void>): Promise<string[]> {
    return this.whilePaused(async () => {
      await settle?.();
      const found = new Map<string, { count: number; value: number }>();
      const read = async (pool: pg.Pool, name: string) => {
        const { rows } = await pool.query<{ id: string; value: string }>(
          `SELECT id::text AS id, ${this.model.valueColumn}::text AS value FROM ${name}`,
        );
        for (const row of rows) {
          const entry = found.get(row.id) ?? { count: 0, value: Number(row.value) };
          entry.count += 1;
          found.set(row.id, entry);
        }
      };
      if (side === 'monolith') await read(this.monolith, qualified(this.plan.monolith.schema, this.model.table));
      else for (const target of this.targets) await read(target.pool, qualified('public', this.model.table));
      const problems: string[] = [];
      for (const [id, written] of this.acknowledged) {
        const entry = found.get(id);
        if (!entry) problems.push(`${id} missing`);
        else if (entry.count !== 1) problems.push(`${id} present ${entry.count} times`);
        else if (entry.value !== written.value && entry.value !== this.uncertain.get(id))
          problems.push(`${id} has ${entry.value}, expected ${written.value}`);
      }
      return problems;
    });
  }

  /** Latencies of the writes that started in [from, to) (ms timestamps from performance.now()). */
  timingsBetween(from: number, to: number): number[] {
    return this.timings.filter((timing) => timing.startedAt >= from && timing.startedAt < to).map((timing) => timing.ms);
  }

  private next(): { id: string; n: number } {
    return { id: randomUUID(), n: this.counter++ };
  }

  private async work(): Promise<void> {
    while (this.running) {
      if (this.paused) {
        await sleep(5);
        continue;
      }
      this.inFlight += 1;
      const startedAt = performance.now();
      try {
        const candidates = [...this.acknowledged.keys()];
        const updateId =
          candidates.length > 50 && Math.random() < 0.3 ? candidates[Math.floor(Math.random() * candidates.length)] : undefined;
        if (updateId && !this.busy.has(updateId)) {
          this.busy.add(updateId);
          try {
            const written = this.acknowledged.get(updateId)!;
            const value = written.value + 1;
            try {
              await this.routed(written.shardKey, (pool, name) =>
                pool.query(`UPDATE ${name} SET ${this.model.valueColumn} = $2 WHERE id = $1`, [updateId, value]),
              );
            } catch (error) {
              this.uncertain.set(updateId, value);
              throw error;
            }
            this.uncertain.delete(updateId);
            this.acknowledged.set(updateId, { ...written, value });
          } finally {
            this.busy.delete(updateId);
          }
        } else {
          const { id, n } = this.next();
          const insert = this.model.insert(id, n);
          await this.routed(insert.shardKey, (pool, name) =>
            pool.query(
              `INSERT INTO ${name} (${insert.columns.join(', ')}) VALUES (${insert.columns.map((_, index) => `$${index + 1}`).join(', ')})`,
              insert.values,
            ),
          );
          this.acknowledged.set(id, {
            value: Number(insert.values[insert.columns.indexOf(this.model.valueColumn)]),
            shardKey: insert.shardKey,
          });
        }
        this.timings.push({ startedAt, ms: performance.now() - startedAt });
      } catch (error) {
        this.failures.push(error as Error);
      } finally {
        this.inFlight -= 1;
      }
      await sleep(2);
    }
  }

  /** Runs a write on the flag's side, following redirects for at most 60 s. */
  private async routed(shardKey: unknown, write: (pool: pg.Pool, table: string) => Promise<unknown>): Promise<void> {
    let side = this.side;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [pool, name] =
        side === 'monolith'
          ? [this.monolith, qualified(this.plan.monolith.schema, this.model.table)]
          : [this.servicePool(shardKey), qualified('public', this.model.table)];
      try {
        await write(pool, name);
        return;
      } catch (error) {
        const redirect = writeRedirectOf(error);
        if (!redirect || Date.now() > deadline) throw error;
        this.redirects += 1;
        if (redirect.side === 'monolith' || redirect.side === 'service') {
          side = redirect.side;
        } else {
          await sleep(20);
          side = this.side;
        }
      }
    }
  }

  private servicePool(shardKey: unknown): pg.Pool {
    if (!this.strategy) return this.targets[0]!.pool;
    const shard = this.strategy.shardFor(shardKey);
    return this.targets.find((target) => target.name === shard)!.pool;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** p50, p95 and max of some latencies, for printing. */
export function describeLatencies(values: readonly number[]): string {
  if (values.length === 0) return 'no writes';
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `${sorted.length} writes: p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
}
