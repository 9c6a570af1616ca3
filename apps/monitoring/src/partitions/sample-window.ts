import { addPeriods, periodStart, type PartitionInterval } from '@neo/data/partitioning';

/**
 * The instants a sample may carry now: not older than the retention (its partition would be
 * dropped, or already is), and not past the last period the maintenance job makes ahead.
 */
export interface SampleWindow {
  /** Included. */
  from: Date;
  /** Excluded: the end of the last period made ahead. */
  to: Date;
}

export function sampleWindow(
  now: Date,
  settings: { retentionDays: number; interval: PartitionInterval; partitionsAhead: number },
): SampleWindow {
  return {
    from: new Date(now.getTime() - settings.retentionDays * 86_400_000),
    to: addPeriods(periodStart(now, settings.interval), settings.interval, settings.partitionsAhead + 1),
  };
}
