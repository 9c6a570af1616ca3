import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DECIMAL_PATTERN } from '../feed-value.js';

/** Body of `POST /feeds/:id/values`. */
export class PublishValueDto {
  /** A decimal string, e.g. "12.345": exact, never a JSON number (which would be rounded). */
  @IsString()
  @MaxLength(100)
  @Matches(DECIMAL_PATTERN, { message: 'value must be a decimal number written as a string, such as "1234.56"' })
  value!: string;

  /** When the source observed the value (ISO 8601); the publication time when absent. */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'observedAt must be an ISO 8601 date-time such as "2026-01-31T12:00:00Z"' })
  observedAt?: string;
}
