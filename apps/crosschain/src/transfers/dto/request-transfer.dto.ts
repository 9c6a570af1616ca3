import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';

/** A positive decimal written as a string: up to 60 digits before the point and 18 after. */
export const AMOUNT_PATTERN = /^(?!0+(\.0+)?$)\d{1,60}(\.\d{1,18})?$/;

/** Body of `POST /transfers`. */
export class RequestTransferDto {
  /** Chosen by the client, unique per transfer: sending the request again returns the same transfer. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  idempotencyKey!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  userId!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  sourceChain!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  targetChain!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  asset!: string;

  @IsString()
  @MaxLength(80)
  @Matches(AMOUNT_PATTERN, { message: 'amount must be a positive decimal written as a string, such as "12.5"' })
  amount!: string;
}
