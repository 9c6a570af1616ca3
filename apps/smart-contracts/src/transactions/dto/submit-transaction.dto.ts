import { IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';

/** Body of `POST /transactions` (and one item of `POST /transactions/batch`). */
export class SubmitTransactionDto {
  @IsUUID()
  contractId!: string;

  /** The shard key. Capped at 2^53 - 1 so it is exact as a JSON number. */
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  userId!: number;

  /** The contract method called, e.g. "transfer". */
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  method!: string;

  /** A decimal number as a string (exact): up to 30 digits before the point and 8 after. */
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,30}(\.\d{1,8})?$/, { message: 'amount must be a non-negative decimal string such as "12.5" (at most 8 decimals)' })
  amount?: string;

  /** The call's arguments, as a JSON object. */
  @IsOptional()
  @IsObject()
  payload?: Record<string, unknown>;
}
