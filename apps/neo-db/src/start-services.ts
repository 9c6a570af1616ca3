import pLimit from 'p-limit';
import type { LocalService } from './local-services.js';
import { startServiceProcess, type RunningService, type StartServiceOptions } from './service-process.js';

export interface StartServicesOptions extends StartServiceOptions {
  /** How many services start at once. */
  concurrency: number;
}

/**
 * Starts the services side by side, `concurrency` at a time, each pushed into `started` as soon as
 * it is healthy (so a caller that stops everything after a failure stops those too). After the
 * first service that fails no new one starts; those under way finish starting, and the first
 * failure is thrown. `started` ends in the order of `services`. Once `signal` is aborted nothing
 * new starts and those starting are stopped.
 */
export async function startServices(
  services: readonly LocalService[],
  started: RunningService[],
  options: StartServicesOptions,
): Promise<void> {
  const { concurrency, ...startOptions } = options;
  const limit = pLimit(Math.max(1, concurrency));
  let failed = false;
  const outcomes = await Promise.allSettled(
    services.map((service) =>
      limit(async () => {
        if (failed || startOptions.signal?.aborted) return;
        try {
          started.push(await startServiceProcess(service, startOptions));
        } catch (error) {
          failed = true;
          throw error;
        }
      }),
    ),
  );
  started.sort((a, b) => services.indexOf(a.service) - services.indexOf(b.service));
  const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
  if (rejected) throw rejected.reason;
}
