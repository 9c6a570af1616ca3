import type pg from 'pg';
import { dataNodeLabel } from '@neo/topology';
import { connectAdmin, withAdmin, type CutoverContext } from './cutover-context.js';
import { CutoverError } from './cutover.error.js';
import type { SideDatabase } from './replication-links.js';
import { fenceLockKey, upgradeGuardFunction } from './write-guard.js';

/**
 * The write fence on one side: in each of the side's databases, a transaction holding the
 * service's fence lock in exclusive mode (write-guard.ts: every write of the service takes it
 * in shared mode first, in its guard trigger, until its transaction ends). Reads go on; new
 * writes queue behind the fence, so they wait instead of failing; the lock is only granted
 * once every transaction that has written has committed or rolled back. Then the WAL position
 * read inside the fence is past every write the side will ever take before the switch.
 *
 * The fence takes no table lock: a `LOCK TABLE` on several tables deadlocks with a writer that
 * holds one of them and needs another (an insert into `transactions` checks its foreign key
 * in `contracts`), whatever the order of the tables.
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
    /** When the first database's fence was asked for (performance.now()): writers may wait from then on. */
    readonly raisedAt: number,
  ) {}

  static async raise(
    context: CutoverContext,
    service: string,
    databases: readonly SideDatabase[],
    options: { lockTimeoutMs: number; maxHoldMs: number },
  ): Promise<WriteFence> {
    const clients: pg.Client[] = [];
    const lsns: string[] = [];
    let raisedAt: number | undefined;
    try {
      for (const database of databases) {
        const client = await connectAdmin(context, database.node);
        clients.push(client);
        await upgradeGuardFunction(client);
        await client.query('BEGIN');
        await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs))}`);
        await client.query(`SET LOCAL idle_in_transaction_session_timeout = ${Math.max(1_000, Math.round(options.maxHoldMs))}`);
        raisedAt ??= performance.now();
        try {
          await client.query(`SELECT pg_advisory_xact_lock(${fenceLockKey('$1')})`, [service]);
        } catch (error) {
          throw await fenceFailure(context, service, database, options.lockTimeoutMs, error);
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
    return new WriteFence(databases, clients, lsns, raisedAt ?? performance.now());
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

/** A transaction that held the fence back: who, and for how long it had been open. */
interface OpenWriter {
  pid: number;
  application: string;
  state: string;
  openMs: number;
}

/** Says what kept the fence from being taken: the write transactions still open, a deadlock, or the error itself. */
async function fenceFailure(
  context: CutoverContext,
  service: string,
  database: SideDatabase,
  lockTimeoutMs: number,
  error: unknown,
): Promise<CutoverError> {
  const where = dataNodeLabel(database.node);
  const code = (error as { code?: unknown }).code;
  if (code === '55P03') {
    const writers = await openWriters(context, service, database).catch(() => undefined);
    const who =
      writers === undefined
        ? 'the write transactions holding it could not be listed'
        : writers.length === 0
          ? 'the write transactions holding it ended just after the timeout'
          : `${writers.length} write transaction(s) of ${service} were still open: ${writers.map(describeWriter).join('; ')}`;
    return new CutoverError(
      'CUTOVER_FENCE_TIMEOUT',
      `Could not fence writes on ${where} within ${lockTimeoutMs} ms: the fence waits for every running write transaction to end, and ${who}. ` +
        `Nothing was switched and writes go on. Let them finish (or end them: SELECT pg_terminate_backend(<pid>)), then retry.`,
      { cause: error },
    );
  }
  const detail = (error as { detail?: unknown }).detail;
  const what =
    code === '40P01'
      ? `PostgreSQL found a deadlock between the fence and a write transaction and cancelled the fence (${String(detail ?? (error as Error).message)})`
      : `taking the fence lock failed: ${(error as Error).message}`;
  return new CutoverError(
    'CUTOVER_FENCE_FAILED',
    `Could not fence writes on ${where}: ${what}. Nothing was switched and writes go on; retry.`,
    {
      cause: error,
    },
  );
}

/** The transactions holding the service's fence lock in shared mode: those that have written and not ended. */
async function openWriters(context: CutoverContext, service: string, database: SideDatabase): Promise<OpenWriter[]> {
  return withAdmin(context, database.node, async (client) => {
    const { rows } = await client.query<{ pid: number; application: string; state: string; open_ms: string }>(
      `SELECT a.pid, coalesce(nullif(a.application_name, ''), '?') AS application, coalesce(a.state, '?') AS state,
              round(extract(epoch FROM now() - a.xact_start) * 1000)::text AS open_ms
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted AND l.mode = 'ShareLock'
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((l.classid::text::bigint << 32) | l.objid::text::bigint) = ${fenceLockKey('$1')}
        ORDER BY a.xact_start`,
      [service],
    );
    return rows.map((row) => ({ pid: row.pid, application: row.application, state: row.state, openMs: Number(row.open_ms) }));
  });
}

function describeWriter(writer: OpenWriter): string {
  return `pid ${writer.pid} (application "${writer.application}", ${writer.state}, open for ${(writer.openMs / 1000).toFixed(1)} s)`;
}
