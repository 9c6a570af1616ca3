import { isConnectionError } from '../replication/connection-error.js';
import { timeoutKindOf } from '../replication/query-timeout.error.js';
import type { CoalescedStatement, CoalescingRecorder } from './coalescing-metrics.js';

/** One caller's `create`, waiting for its batch. */
export interface PendingCreate {
  readonly args: Record<string, unknown>;
  /** The caller's own create, not run (a lazy promise; its Prisma call is made only if awaited): what runs when it goes alone. */
  readonly alone: PromiseLike<unknown>;
  /** What the batch's statement needs of this call beyond `args`, prepared when it was queued (the raw route's row). */
  readonly prepared?: unknown;
}

interface QueuedCreate extends PendingCreate {
  readonly resolve: (row: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * How a batch goes to the server: one statement that inserts all of `calls` or none, resolving
 * with one row per call in the order of the calls. Every call of a batch asks for the same fields
 * back (its batch key), so the first one's `select`/`omit` stand for all.
 */
export interface BatchStatement {
  /** What the metrics call it. */
  readonly name: CoalescedStatement;
  send(calls: readonly PendingCreate[]): PromiseLike<readonly unknown[]>;
}

interface OpenBatch {
  readonly key: string;
  readonly statement: BatchStatement;
  readonly calls: QueuedCreate[];
}

type Delegate = { createManyAndReturn(args: unknown): PromiseLike<unknown[]> };

/** The batch as Prisma's `createManyAndReturn`: one `INSERT … VALUES (…), (…) RETURNING …`, rows in the order of its VALUES. */
export function createManyAndReturnOf(delegate: () => Delegate): BatchStatement {
  return {
    name: 'createManyAndReturn',
    send: (calls) => {
      const [{ args: shape }] = calls as [PendingCreate];
      return delegate().createManyAndReturn({ ...shape, data: calls.map((call) => call.args['data']) });
    },
  };
}

export interface CreateBatcherOptions {
  /** Most calls in one INSERT. */
  readonly maxBatch: number;
  /** How long a batch stays open after its first call; 0 is the next turn of the event loop (`setImmediate`). */
  readonly windowMs: number;
  readonly recorder?: CoalescingRecorder;
}

/**
 * Gathers the single-row creates of one model on one primary and sends each batch as one
 * multi-row `INSERT … RETURNING` (a `BatchStatement`: the raw `unnest` route or
 * `createManyAndReturn`), whose rows come back in the order of the calls, so the i-th row is the
 * i-th caller's.
 *
 * One statement is atomic: when it fails, no row of it was written. A failure the server gave
 * for the statement (unique or check violation, bad value) is isolated by splitting the batch
 * in halves and sending each again, down to single calls run as plain creates, so only the
 * offending calls fail, each with the error its own create gives. A failure that leaves
 * unknown whether the statement committed (connection lost, no answer in time) is never
 * replayed: every caller of the batch gets it, as a plain create's caller would.
 */
export class CreateBatcher {
  private readonly open = new Map<string, OpenBatch>();

  constructor(
    private readonly model: string,
    private readonly options: CreateBatcherOptions,
  ) {}

  /**
   * Queues `call` in the open batch of its shape (`key`: calls of one key go out in one
   * `statement`); its own create (`call.alone`) runs instead if it ends up alone.
   */
  add(key: string, call: PendingCreate, statement: BatchStatement): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let batch = this.open.get(key);
      if (!batch) {
        const opened: OpenBatch = { key, statement, calls: [] };
        this.open.set(key, opened);
        batch = opened;
        if (this.options.windowMs > 0) setTimeout(() => this.close(opened), this.options.windowMs);
        else setImmediate(() => this.close(opened));
      }
      batch.calls.push({ ...call, resolve, reject });
      if (batch.calls.length >= this.options.maxBatch) this.close(batch);
    });
  }

  /** Sends `batch` unless it was sent already (full before its window ended). */
  private close(batch: OpenBatch): void {
    if (this.open.get(batch.key) !== batch) return;
    this.open.delete(batch.key);
    const size = batch.calls.length;
    this.options.recorder?.batch(this.model, size, size > 1 ? batch.statement.name : 'create');
    for (let i = 0; i < size; i++) this.options.recorder?.call(this.model, size > 1 ? 'coalesced' : 'direct');
    void this.send(batch.statement, batch.calls);
  }

  private async send(statement: BatchStatement, calls: readonly QueuedCreate[]): Promise<void> {
    if (calls.length === 1) {
      const [only] = calls as [QueuedCreate];
      try {
        only.resolve(await only.alone);
      } catch (error) {
        only.reject(error);
      }
      return;
    }
    let rows: readonly unknown[];
    try {
      rows = await statement.send(calls);
    } catch (error) {
      if (!statementRefused(error)) {
        for (const call of calls) call.reject(error);
        return;
      }
      const half = Math.ceil(calls.length / 2);
      await Promise.all([this.send(statement, calls.slice(0, half)), this.send(statement, calls.slice(half))]);
      return;
    }
    if (rows.length !== calls.length) {
      // Cannot happen for a plain INSERT; refuse to hand out rows that may not be the caller's.
      const error = new Error(`${this.model}: a batch of ${calls.length} creates returned ${rows.length} rows`);
      for (const call of calls) call.reject(error);
      return;
    }
    calls.forEach((call, i) => call.resolve(rows[i]));
  }
}

/** The server (or Prisma, before sending) refused the statement, so none of its rows was written. */
function statementRefused(error: unknown): boolean {
  return !isConnectionError(error) && timeoutKindOf(error) === undefined;
}
