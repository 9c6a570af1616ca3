import { DataError } from '@neo/data';
import type { KeptWindow } from '@neo/data/partitioning';

/** A sample older than the retention, or later than the partitions made ahead. */
export class SampleOutsideRetentionError extends DataError {
  constructor(
    /** The sample's field, e.g. `samples[3].at`. */
    readonly field: string,
    at: Date,
    window: KeptWindow,
  ) {
    super(
      'MONITORING_SAMPLE_OUTSIDE_RETENTION',
      `${field} (${at.toISOString()}) is outside the kept window [${window.from.toISOString()}, ${window.to.toISOString()}): ` +
        'older samples are past the retention, later ones are too far ahead; nothing of this batch was written',
    );
  }
}

/** A time window or bucket the service cannot answer. */
export class InvalidSeriesQueryError extends DataError {
  constructor(message: string) {
    super('MONITORING_INVALID_QUERY', message);
  }
}
