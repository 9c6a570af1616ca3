import { DataError } from '@neo/data';
import type { KeptWindow } from '@neo/data/partitioning';

/** An event older than the retention, or later than the partitions made ahead. */
export class EventOutsideRetentionError extends DataError {
  constructor(
    /** The event's field, e.g. `events[3].occurredAt`. */
    readonly field: string,
    at: Date,
    window: KeptWindow,
  ) {
    super(
      'ANALYTICS_EVENT_OUTSIDE_RETENTION',
      `${field} (${at.toISOString()}) is outside the kept window [${window.from.toISOString()}, ${window.to.toISOString()}): ` +
        'older events are past the retention, later ones too far ahead; nothing of this batch was written',
    );
  }
}

/** A rollup query the service cannot answer (an empty or too long range). */
export class InvalidRollupQueryError extends DataError {
  constructor(message: string) {
    super('ANALYTICS_INVALID_QUERY', message);
  }
}
