import { DateTimeField } from '@neo/data/nest';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_SERIES_LIMIT = 1_000;
export const MAX_SERIES_LIMIT = 10_000;

/** Query of `GET /series/:name?from=&to=`: a time window, `from` included, `to` excluded. */
export class SeriesWindowQuery {
  @DateTimeField()
  from!: Date;

  @DateTimeField()
  to!: Date;

  /** At most this many samples, the oldest first. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SERIES_LIMIT)
  limit: number = DEFAULT_SERIES_LIMIT;
}

/** Query of `GET /series/:name/downsample?from=&to=&bucket=1m`. */
export class DownsampleQuery {
  @DateTimeField()
  from!: Date;

  @DateTimeField()
  to!: Date;

  /** Bucket width: `15s`, `1m`, `5m`, `1h`, `1d`. */
  @IsOptional()
  @IsString()
  @MaxLength(20)
  bucket = '1m';
}
