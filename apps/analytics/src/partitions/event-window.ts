import { addPeriods, periodStart, type PartitionInterval } from '@neo/data/partitioning';

/**
 * The instants an event may carry now: not older than the retention (its partition would be
 * dropped, or already is), and not past the last period made ahead.
 */
export interface EventWindow {
  /** Included. */
  from: Date;
  /** Excluded. */
  to: Date;
}

export function eventWindow(
  now: Date,
  settings: { retentionDays: number; interval: PartitionInterval; partitionsAhead: number },
): EventWindow {
  return {
    from: new Date(now.getTime() - settings.retentionDays * 86_400_000),
    to: addPeriods(periodStart(now, settings.interval), settings.interval, settings.partitionsAhead + 1),
  };
}
