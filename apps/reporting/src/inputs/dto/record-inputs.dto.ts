import { Type } from 'class-transformer';
import { DateTimeField } from '@neo/data/nest';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { VALUE_FRACTION_DIGITS, VALUE_INTEGER_DIGITS, VALUE_PATTERN } from './decimal-value.js';

export const MAX_INPUTS_PER_BATCH = 1_000;
/** A full batch of the longest inputs fits. */
export const INPUTS_BODY_LIMIT_BYTES = 1024 * 1024;

/** One measurement of a batch. */
export class InputDto {
  /** Chosen by the sender: sending the batch again records nothing twice. */
  @IsUUID()
  id!: string;

  /** What was measured, e.g. "payments.volume". */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  metric!: string;

  /** What a report may group by, e.g. a region; leave out when there is none. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  dimension?: string;

  @IsString()
  @MaxLength(VALUE_INTEGER_DIGITS + VALUE_FRACTION_DIGITS + 2)
  @Matches(VALUE_PATTERN, {
    message: `value must be a decimal written as a string, such as "-12.5", with at most ${VALUE_INTEGER_DIGITS} digits before the point and ${VALUE_FRACTION_DIGITS} after`,
  })
  value!: string;

  @DateTimeField()
  occurredAt!: Date;
}

/** Body of `POST /inputs`. */
export class RecordInputsDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INPUTS_PER_BATCH)
  @ValidateNested({ each: true })
  @Type(() => InputDto)
  inputs!: InputDto[];
}
