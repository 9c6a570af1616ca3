import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * How fresh a read must be:
 * - `session` (default): read-your-writes for the current session (see `currentSessionKey`),
 *   otherwise any replica within the lag bound;
 * - `fresh` / `primary`: always the primary (e.g. just before a decision that must see every write);
 * - `stale-ok`: any healthy replica, even one over the lag bound (reports, dashboards).
 */
export type ReadConsistency = 'session' | 'fresh' | 'primary' | 'stale-ok';

const consistencies = new AsyncLocalStorage<ReadConsistency>();

/** Runs `fn` with every read inside it at the given consistency. */
export function withReadConsistency<T>(consistency: ReadConsistency, fn: () => T): T {
  return consistencies.run(consistency, fn);
}

export function currentReadConsistency(): ReadConsistency {
  return consistencies.getStore() ?? 'session';
}
