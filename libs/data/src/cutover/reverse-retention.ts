const DAY_MS = 86_400_000;

/**
 * How long the monolith keeps following a service by reverse replication after its writes moved
 * there, so that `rollback` stays possible: 30 days, the strategy document's figure. `finish`
 * refuses to end it earlier unless forced.
 */
export const DEFAULT_REVERSE_RETENTION_DAYS = 30;

export interface RetentionCheck {
  /** Whole and partial days since writes moved to the service. */
  elapsedDays: number;
  /** Days still to wait, rounded up (0 once the retention is over). */
  daysLeft: number;
  over: boolean;
}

/** Whether `retentionDays` have passed since writes moved (`movedAgoMs` ago). */
export function checkRetention(movedAgoMs: number, retentionDays: number): RetentionCheck {
  if (!Number.isInteger(retentionDays) || retentionDays < 0) {
    throw new RangeError(`The retention must be a whole number of days, 0 or more (got ${retentionDays}).`);
  }
  const leftMs = retentionDays * DAY_MS - Math.max(0, movedAgoMs);
  return {
    elapsedDays: Math.max(0, movedAgoMs) / DAY_MS,
    daysLeft: leftMs > 0 ? Math.ceil(leftMs / DAY_MS) : 0,
    over: leftMs <= 0,
  };
}
