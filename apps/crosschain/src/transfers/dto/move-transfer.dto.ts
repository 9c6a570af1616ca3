import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { TRANSFER_STATES, type TransferState } from '../transfer-states.js';

/** Body of `POST /transfers/:id/transitions`. */
export class MoveTransferDto {
  @IsIn(TRANSFER_STATES, { message: `to must be one of: ${TRANSFER_STATES.join(', ')}` })
  to!: TransferState;

  /** Why, when moving to failed. */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
