import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { SubmitTransactionDto } from './submit-transaction.dto.js';

export const MAX_BATCH_SIZE = 100;

/** Body of `POST /transactions/batch`: transactions written all or none, on one shard. */
export class SubmitBatchDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_SIZE)
  @ValidateNested({ each: true })
  @Type(() => SubmitTransactionDto)
  transactions!: SubmitTransactionDto[];
}
