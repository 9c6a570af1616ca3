import { DateTimeField } from '@neo/data/nest';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DECIMAL_PATTERN } from '../feed-value.js';

/** Body of `POST /feeds/:id/values`. */
export class PublishValueDto {
  /** A decimal string, e.g. "12.345": exact, never a JSON number (which would be rounded). */
  @IsString()
  @MaxLength(100)
  @Matches(DECIMAL_PATTERN, { message: 'value must be a decimal number written as a string, such as "1234.56"' })
  value!: string;

  /** When the source observed the value (ISO 8601 with a time zone); the publication time when absent. */
  @IsOptional()
  @DateTimeField()
  observedAt?: Date;
}
