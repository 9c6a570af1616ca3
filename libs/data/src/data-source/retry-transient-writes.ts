import { setTimeout as sleep } from 'node:timers/promises';
import {
  CREATE_OPERATIONS,
  isModelDelegate,
  MANY_RECORD_WRITES,
  RAW_EXECUTES,
  RAW_QUERIES,
  SINGLE_RECORD_WRITES,
} from '../prisma-call/index.js';

/** SQLSTATEs of a transaction PostgreSQL aborted to let others go on: deadlock victim, serialization conflict. */
export type TransientWriteCode = '40P01' | '40001';

const TRANSIENT_CODES: ReadonlySet<string> = new Set<TransientWriteCode>(['40P01', '40001']);

/** Prisma's code for the same two ("Transaction failed due to a write conflict or a deadlock"). */
const PRISMA_WRITE_CONFLICT = 'P2034';

const MODEL_WRITES: ReadonlySet<string> = new Set([...CREATE_OPERATIONS, ...SINGLE_RECORD_WRITES, ...MANY_RECORD_WRITES]);
const RAW_CALLS: ReadonlySet<string> = new Set([...RAW_QUERIES, ...RAW_EXECUTES]);

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

  const retrying = (name: string, call: () => unknown): unknown => {
    const first = call();
    if (first === null || typeof first !== 'object' || typeof (first as PromiseLike<unknown>).then !== 'function') return first;
    let run: Promise<unknown> | undefined;
    const execute = (): Promise<unknown> =>
      (run ??= replayWhileTransient(name, first as PromiseLike<unknown>, call, tuning, options.onRetry));
    // Prisma's promise is lazy: nothing runs until `then`. Its other members stay reachable
    // (`requestTransaction`, used when the call is passed to a batch `$transaction([...])`).
    return new Proxy(first, {
      get(target, property) {
        if (property === 'then') return (onFulfilled?: never, onRejected?: never) => execute().then(onFulfilled, onRejected);
        if (property === 'catch') return (onRejected?: never) => execute().catch(onRejected);
        if (property === 'finally') return (onFinally?: never) => execute().finally(onFinally);
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };

  const delegates = new WeakMap<object, object>();
  const wrapDelegate = (model: string, delegate: object): object => {
    let wrapped = delegates.get(delegate);
    if (!wrapped) {
      wrapped = new Proxy(delegate, {
        get(target, method) {
          const value: unknown = Reflect.get(target, method);
          if (typeof method !== 'string' || typeof value !== 'function' || !MODEL_WRITES.has(method)) return value;
          return (...args: unknown[]) => retrying(`${model}.${method}`, () => (value as (...a: unknown[]) => unknown).apply(target, args));
        },
      });
      delegates.set(delegate, wrapped);
    }
    return wrapped;
  };

  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof property !== 'string') return value;
      if (typeof value === 'function') {
        if (property === '$extends')
          return (...args: unknown[]) => retryTransientWrites((value as (...a: unknown[]) => C).apply(target, args), options);
        if (RAW_CALLS.has(property))
          return (...args: unknown[]) => retrying(property, () => (value as (...a: unknown[]) => unknown).apply(target, args));
        return value;
      }
      if (isModelDelegate(property, value)) return wrapDelegate(property, value as object);
      return value;
    },
  });
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
