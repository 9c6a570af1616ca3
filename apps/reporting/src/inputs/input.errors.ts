import { DataError } from '@neo/data';
import type { KeptWindow } from '@neo/data/partitioning';

/** An input older than the retention, or later than the partitions made ahead. */
export class InputOutsideRetentionError extends DataError {
  constructor(
    /** The input's field, e.g. `inputs[3].occurredAt`. */
    readonly field: string,
    at: Date,
    window: KeptWindow,
  ) {
    super(
      'REPORTING_INPUT_OUTSIDE_RETENTION',
      `${field} (${at.toISOString()}) is outside the kept window [${window.from.toISOString()}, ${window.to.toISOString()}): ` +
        'older inputs are past the retention, later ones too far ahead; nothing of this batch was written',
    );
  }
}
