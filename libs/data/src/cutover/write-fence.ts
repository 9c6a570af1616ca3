import type pg from 'pg';
import { dataNodeLabel } from '@neo/topology';
import { connectAdmin, type CutoverContext } from './cutover-context.js';
import { CutoverError } from './cutover.error.js';
import type { SideDatabase } from './replication-links.js';
import { qualified } from './sql-text.js';

/**
 * The write fence on one side: in each of the side's databases, a transaction holding
 * `LOCK TABLE … IN EXCLUSIVE MODE` on the service's tables. Reads go on (EXCLUSIVE lets plain
 * SELECTs through); writes queue behind the lock, so they wait instead of failing, and the
 * lock is only granted once every write already running has committed or rolled back. Then
 * the WAL position read inside the fence is past every write the side will ever take before
 * the switch.
 *
 * The fence ends by `release()` (ROLLBACK: nothing changed, the queued writes go ahead here)
 * or `commit()` (the guard now points to the other side; queued writes are redirected there).
 * If the process holding it dies, the server ends its transactions, and
 * `idle_in_transaction_session_timeout` ends them if the process hangs.
 */
export class WriteFence {
  private constructor(
    readonly databases: readonly SideDatabase[],
    private readonly clients: pg.Client[],
    /** WAL position of each database, read with the fence up. */
    readonly lsns: string[],
  ) {}

  static async raise(
    context: CutoverContext,
    databases: readonly SideDatabase[],
    options: { lockTimeoutMs: number; maxHoldMs: number },
  ): Promise<WriteFence> {
    const clients: pg.Client[] = [];
    const lsns: string[] = [];
    try {
      for (const database of databases) {
        const client = await connectAdmin(context, database.node);
        clients.push(client);
        await client.query('BEGIN');
        await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs))}`);
        await client.query(`SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1_000, Math.round(options.maxHoldMs))}`);
        const tables = database.tables.map((table) => qualified(database.schema, table)).join(', ');
        try {
          await client.query(`LOCK TABLE ${tables} IN EXCLUSIVE MODE`);
        } catch (error) {
          throw new CutoverError(
            'CUTOVER_FENCE_TIMEOUT',
            `Could not fence writes on ${dataNodeLabel(database.node)} within ${options.lockTimeoutMs} ms: a long write transaction holds the tables (${(error as Error).message}). Nothing was switched; retry, or find it in pg_stat_activity.`,
            { cause: error },
          );
        }
        // The insert position, not the write position: with asynchronous commit, committed
        // transactions may still sit in WAL buffers past the written position.
        const { rows } = await client.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
        lsns.push(rows[0]!.lsn);
      }
    } catch (error) {
      await Promise.allSettled(clients.map((client) => client.query('ROLLBACK').finally(() => client.end())));
      throw error;
    }
    return new WriteFence(databases, clients, lsns);
  }

  /** Runs `work` inside each database's fencing transaction (e.g. to point the guard elsewhere), then commits them. */
  async commit(work: (client: pg.Client, database: SideDatabase) => Promise<void>): Promise<void> {
    try {
      for (const [index, client] of this.clients.entries()) {
        await work(client, this.databases[index]!);
        await client.query('COMMIT');
      }
    } finally {
      await this.close();
    }
  }

  /** Lifts the fence without changing anything. */
  async release(): Promise<void> {
    await Promise.allSettled(this.clients.map((client) => client.query('ROLLBACK')));
    await this.close();
  }

  private async close(): Promise<void> {
    await Promise.allSettled(this.clients.map((client) => client.end()));
  }
}
