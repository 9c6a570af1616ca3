import { setTimeout as sleep } from 'node:timers/promises';
import { wrapWriteCalls } from '../prisma-call/index.js';

/** SQLSTATEs of a transaction PostgreSQL aborted to let others go on: deadlock victim, serialization conflict. */
export type TransientWriteCode = '40P01' | '40001';

const TRANSIENT_CODES: ReadonlySet<string> = new Set<TransientWriteCode>(['40P01', '40001']);

/** Prisma's code for the same two ("Transaction failed due to a write conflict or a deadlock"). */
const PRISMA_WRITE_CONFLICT = 'P2034';

export interface TransientWriteRetryOptions {
  /** Replays of one call after the first attempt. Default 3. */
  readonly maxRetries?: number;
  /** The n-th replay waits a random time up to `baseDelayMs × 2^(n−1)`, so two victims do not meet again. Default 20. */
  readonly baseDelayMs?: number;
  /** Hears of each replay (e.g. to count them). */
  readonly onRetry?: (event: TransientRetryEvent) => void;
}

export interface TransientRetryEvent {
  /** `item.create`, `$executeRaw`, … */
  readonly call: string;
  readonly code: TransientWriteCode;
  /** 1 for the first replay. */
  readonly attempt: number;
  readonly delayMs: number;
}

/**
 * The SQLSTATE when `error` says PostgreSQL aborted the statement's transaction as a deadlock
 * victim or for a serialization conflict: the pg error itself, Prisma's P2034, or either wrapped
 * by Prisma (`meta.driverAdapterError.cause`) or in a `cause` chain. Undefined for any other error.
 */
export function transientWriteCode(error: unknown, depth = 0): TransientWriteCode | undefined {
  if (error === null || typeof error !== 'object' || depth > 4) return undefined;
  const candidate = error as {
    code?: unknown;
    originalCode?: unknown;
    cause?: unknown;
    meta?: { code?: unknown; driverAdapterError?: { cause?: unknown } };
  };
  for (const code of [candidate.code, candidate.originalCode, candidate.meta?.code]) {
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return code as TransientWriteCode;
  }
  const wrapped =
    transientWriteCode(candidate.meta?.driverAdapterError?.cause, depth + 1) ?? transientWriteCode(candidate.cause, depth + 1);
  if (wrapped) return wrapped;
  // P2034 without the driver's code: either of the two; both are retried alike.
  return candidate.code === PRISMA_WRITE_CONFLICT ? '40001' : undefined;
}

/**
 * Wraps the Prisma client of one database so that a write PostgreSQL aborted to break a
 * deadlock (40P01) or for a serialization conflict (40001) is run again, as PostgreSQL's
 * documentation asks of applications: model writes (`create`, `update`, `upsert`,
 * `deleteMany`, …, with their nested writes, which Prisma runs in one transaction of its own)
 * and raw statements. The aborted attempt was rolled back whole, so a replay cannot apply it twice.
 *
 * Not replayed, because the layer cannot: calls inside an interactive `$transaction(async (tx) => …)`
 * (PostgreSQL aborted the whole transaction; only its author can run it again) and a batch
 * `$transaction([...])`. Their error reaches the caller, as Prisma's P2034.
 *
 * Wrap each database's client, not a client that spreads one call over several databases: a
 * write fanned out to shards may have committed on some of them before another aborted it.
 */
export function retryTransientWrites<C extends object>(client: C, options: TransientWriteRetryOptions = {}): C {
  const tuning = { maxRetries: options.maxRetries ?? 3, baseDelayMs: options.baseDelayMs ?? 20 };
  return wrapWriteCalls(client, { run: (name, first, again) => replayWhileTransient(name, first, again, tuning, options.onRetry) });
}

async function replayWhileTransient(
  name: string,
  first: PromiseLike<unknown>,
  call: () => unknown,
  tuning: { maxRetries: number; baseDelayMs: number },
  onRetry: TransientWriteRetryOptions['onRetry'],
): Promise<unknown> {
  let attempt: PromiseLike<unknown> = first;
  for (let retries = 0; ; retries++) {
    try {
      return await attempt;
    } catch (error) {
      const code = transientWriteCode(error);
      if (!code || retries >= tuning.maxRetries) throw error;
      const delayMs = Math.round(Math.random() * tuning.baseDelayMs * 2 ** retries);
      onRetry?.({ call: name, code, attempt: retries + 1, delayMs });
      await sleep(delayMs);
      attempt = call() as PromiseLike<unknown>;
    }
  }
}
