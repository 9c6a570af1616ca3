import { InvalidSeriesQueryError } from './samples.errors.js';

const UNIT_SECONDS = { s: 1, m: 60, h: 3_600, d: 86_400 } as const;

/** The width of a downsampling bucket, `30s`, `1m`, `5m`, `1h`, `1d`: seconds, and the SQL interval text. */
export interface BucketWidth {
  seconds: number;
  /** E.g. `60 seconds`, for `$1::interval`. */
  interval: string;
}

export function parseBucketWidth(text: string): BucketWidth {
  const match = /^([1-9]\d{0,5})([smhd])$/.exec(text);
  if (!match)
    throw new InvalidSeriesQueryError(`bucket must be a number and a unit s, m, h or d, e.g. "1m" or "15s"; got ${JSON.stringify(text)}`);
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  return { seconds, interval: `${seconds} seconds` };
}
