import { IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';

/** Most bytes a transaction's `payload` may take, written as JSON. */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

/** At most `MAX_PAYLOAD_BYTES` as JSON (UTF-8), so one transaction cannot fill a page of the listing. */
function IsSmallJson(): PropertyDecorator {
  return ValidateBy({
    name: 'isSmallJson',
    validator: {
      validate: (value: unknown) => value === undefined || Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8') <= MAX_PAYLOAD_BYTES,
      defaultMessage: () => `$property must be at most ${MAX_PAYLOAD_BYTES} bytes as JSON`,
    },
  });
}

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
  @IsSmallJson()
  payload?: Record<string, unknown>;
}
