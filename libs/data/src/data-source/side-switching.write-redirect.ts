import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeRedirectOf, type GuardSide, type WriteRedirect } from '../cutover/write-guard.js';
import { wrapWriteCalls } from '../prisma-call/index.js';
import type { SideChooser } from '../selection/side-switching-client.js';
import type { OperationKind, Side } from '../selection/side.js';

/** How a write the cutover write guard refused (SQLSTATE NC001) is retried. */
export interface WriteRedirectTuning {
  /**
   * How long a redirected write waits for the flags to name the side the database named, before
   * it is retried there anyway (the database is the authority; the wait only keeps reads and
   * writes of the caller on one side). Default 10 000 ms.
   */
  readonly flagWaitMs?: number;
  /** How many times one call is retried after a redirect. Default 3. */
  readonly maxRetries?: number;
  /** How often the flags are checked while waiting, and the pause before retrying a `switching` answer. Default 20 ms. */
  readonly pollMs?: number;
}

/** What the retry needs: the side the flags give writes now. */
export interface WriteSideSource {
  writeSide(): Side;
}

export interface RedirectEvent {
  readonly to: WriteRedirect['side'];
  /** How long the call waited for the flags before the retry. */
  readonly waitedMs: number;
  readonly flagsAgreed: boolean;
}

const DEFAULT_FLAG_WAIT_MS = 10_000;
const CUTOVER_SIDES: Partial<Record<GuardSide, Side>> = { monolith: 'monolith', service: 'service' };
const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_POLL_MS = 20;

/** The side a retried call is forced to: set around the retry, read by `forcingChooser`. */
export type ForcedSide = AsyncLocalStorage<Side>;

/** The cutover's store; a reshard's layout switch has its own (`new AsyncLocalStorage<Side>()`), so the two never force each other. */
const cutoverForcedSide: ForcedSide = new AsyncLocalStorage<Side>();

/**
 * A chooser that obeys a forced side (during a redirect retry) and asks `chooser` otherwise.
 * `onForced` hears of every forced call (e.g. so read-your-writes follows the retried write).
 */
export function forcingChooser(
  chooser: SideChooser,
  onForced?: (service: string, kind: OperationKind, side: Side) => void,
  forcedSide: ForcedSide = cutoverForcedSide,
): SideChooser {
  return {
    select: (service, kind) => {
      const forced = forcedSide.getStore();
      if (forced === undefined) return chooser.select(service, kind);
      onForced?.(service, kind, forced);
      return forced;
    },
  };
}

/**
 * The redirect carried by an error from a Prisma client: the database error itself (raw
 * adapter), or wrapped by Prisma (`meta.driverAdapterError.cause`), or in a `cause` chain.
 */
export function redirectOfPrismaError(error: unknown, depth = 0): WriteRedirect | undefined {
  if (error === null || typeof error !== 'object' || depth > 4) return undefined;
  const direct = writeRedirectOf(error);
  if (direct) return direct;
  const candidate = error as { cause?: unknown; meta?: { driverAdapterError?: { cause?: unknown } } };
  return redirectOfPrismaError(candidate.meta?.driverAdapterError?.cause, depth + 1) ?? redirectOfPrismaError(candidate.cause, depth + 1);
}

export interface RedirectRetryOptions {
  readonly flags: WriteSideSource;
  /**
   * The guard values this client retries, and the side each means here. Default the cutover's
   * (`monolith`, `service`); a reshard's layout switch maps `current-layout`/`next-layout`.
   * Other values are left to the caller (an outer client may handle them).
   */
  readonly sides?: Partial<Record<GuardSide, Side>>;
  /** Where the forced side of a retry is kept; the same store as the client's `forcingChooser`. */
  readonly forcedSide?: ForcedSide;
  readonly tuning?: WriteRedirectTuning;
  readonly onRedirect?: (event: RedirectEvent) => void;
}

/**
 * Wraps a side-switching client so that a write refused by the cutover's write guard is run
 * again on the side of record: model writes (`create`, `update`, …), interactive
 * `$transaction(fn)` (the whole function again) and raw SQL. Nothing was written by the refused
 * attempt (the guard fires before the statement), so the retry cannot double a write.
 *
 * The retry first waits until the flags give writes to the side the database named (bounded by
 * `flagWaitMs`), then forces that side. A batch `$transaction([...])` is not retried: its calls
 * chose their sides when they were made; it fails with the redirect error, which the caller may
 * retry. Bound for one call: `maxRetries × (flagWaitMs + the guard's own wait)`.
 */
export function retryRedirectedWrites<C extends object>(client: C, options: RedirectRetryOptions): C {
  const tuning = {
    flagWaitMs: options.tuning?.flagWaitMs ?? DEFAULT_FLAG_WAIT_MS,
    maxRetries: options.tuning?.maxRetries ?? DEFAULT_MAX_RETRIES,
    pollMs: options.tuning?.pollMs ?? DEFAULT_POLL_MS,
  };
  return wrapWriteCalls(client, {
    interactiveTransactions: true,
    run: (_name, first, again) => runWithRetries(first, again, options, tuning),
  });
}

async function runWithRetries(
  first: PromiseLike<unknown>,
  call: () => unknown,
  options: RedirectRetryOptions,
  tuning: Required<WriteRedirectTuning>,
): Promise<unknown> {
  let attempt: PromiseLike<unknown> = first;
  for (let retries = 0; ; retries++) {
    try {
      return await attempt;
    } catch (error) {
      const redirect = redirectOfPrismaError(error);
      const sides = options.sides ?? CUTOVER_SIDES;
      const side = redirect && redirect.side !== 'switching' ? sides[redirect.side] : undefined;
      if (!redirect || (redirect.side !== 'switching' && side === undefined) || retries >= tuning.maxRetries) throw error;
      if (redirect.side === 'switching') {
        // The side being switched to gave up waiting for the switch: try again shortly, where the flags say.
        await sleep(tuning.pollMs);
        options.onRedirect?.({ to: 'switching', waitedMs: tuning.pollMs, flagsAgreed: false });
        attempt = call() as PromiseLike<unknown>;
        continue;
      }
      const started = Date.now();
      const deadline = started + tuning.flagWaitMs;
      while (options.flags.writeSide() !== side && Date.now() < deadline) await sleep(tuning.pollMs);
      const flagsAgreed = options.flags.writeSide() === side;
      options.onRedirect?.({ to: redirect.side, waitedMs: Date.now() - started, flagsAgreed });
      attempt = (options.forcedSide ?? cutoverForcedSide).run(side!, call) as PromiseLike<unknown>;
    }
  }
}
