import { DateTimeField } from '@neo/data/nest';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsNotEmpty, IsNumber, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

export const MAX_SAMPLES_PER_BATCH = 10_000;
/** The body limit of `POST /samples`: a full batch of the largest samples fits under it. */
export const SAMPLES_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
/** Series names: letters, digits and `._:-`, e.g. "oracle.feed.latency_ms". */
export const SERIES_NAME = /^[A-Za-z0-9._:-]+$/;

export class SampleDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(SERIES_NAME, { message: 'series may hold letters, digits and . _ : - only' })
  series!: string;

  /** ISO 8601 instant. */
  @DateTimeField()
  at!: Date;

  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'value must be a finite JSON number' })
  value!: number;
}

/** Body of `POST /samples`. */
export class WriteSamplesDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SAMPLES_PER_BATCH)
  @ValidateNested({ each: true })
  @Type(() => SampleDto)
  samples!: SampleDto[];
}
