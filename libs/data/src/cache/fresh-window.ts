import type { ReadSettings } from '@neo/topology';

/**
 * How long after a write its key must be loaded from the primary, for a database read through
 * the replica layer with these settings. A replica serves reads only while its last lag sample
 * is recent (at most `max(3 × poll interval, 1 s)` old, the lag monitor's rule) and showed it at
 * most `maxLagMs` behind; so once that long has passed after a commit, every replica in rotation
 * has replayed it. One more poll interval covers the time a poll itself takes.
 */
export function freshWindowFor(reads: ReadSettings): number {
  const staleAfterMs = Math.max(3 * reads.lagPollIntervalMs, 1_000);
  return reads.maxLagMs + staleAfterMs + reads.lagPollIntervalMs;
}
