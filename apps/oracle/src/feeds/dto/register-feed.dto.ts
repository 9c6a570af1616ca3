import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_DECIMALS } from '../feed-value.js';

/** Body of `POST /feeds`. */
export class RegisterFeedDto {
  /** Unique, e.g. "NEO/USD". */
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(/^[\w./:-]+$/, { message: 'name may contain letters, digits and . / : _ - only, e.g. "NEO/USD"' })
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  /** Digits after the decimal point of every value. */
  @IsInt()
  @Min(0)
  @Max(MAX_DECIMALS)
  decimals!: number;

  /** Where the values come from (a provider name or URL). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  source!: string;
}
