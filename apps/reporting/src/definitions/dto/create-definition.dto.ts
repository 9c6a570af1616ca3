import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const AGGREGATES = ['sum', 'avg', 'count', 'min', 'max'] as const;
export type Aggregate = (typeof AGGREGATES)[number];
export const INTERVALS = ['hour', 'day'] as const;
export type ReportInterval = (typeof INTERVALS)[number];
/** The longest default window: the inputs are kept 90 days. */
export const MAX_WINDOW_DAYS = 90;

/** Body of `POST /definitions`. */
export class CreateDefinitionDto {
  /** Unique. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  description?: string;

  /** The inputs' metric the report aggregates. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  metric!: string;

  @IsIn(AGGREGATES, { message: `aggregate must be one of: ${AGGREGATES.join(', ')}` })
  aggregate!: Aggregate;

  /** The width of the report's time buckets. */
  @IsIn(INTERVALS, { message: `interval must be one of: ${INTERVALS.join(', ')}` })
  interval!: ReportInterval;

  /** One row per bucket and dimension (true), or per bucket (false, the default). */
  @IsOptional()
  @IsBoolean()
  groupByDimension?: boolean;

  /** The window a run covers when it names none: the last `windowDays` days (default 7). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_WINDOW_DAYS)
  windowDays?: number;
}
