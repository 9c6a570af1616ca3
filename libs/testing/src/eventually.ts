import { setTimeout as sleep } from 'node:timers/promises';

export interface EventuallyOptions {
  /** Default 90 s. */
  timeoutMs?: number;
  /** Pause between tries. Default 500 ms. */
  intervalMs?: number;
}

/**
 * Tries `check` until it returns something other than `undefined`. An error it throws counts as
 * "not yet"; when time runs out, the failure names `what` and the last such error.
 */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, options: EventuallyOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const result = await check();
      if (result !== undefined) return result;
    } catch (error) {
      last = error;
    }
    await sleep(options.intervalMs ?? 500);
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}
