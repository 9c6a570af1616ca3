import { PageQuery } from '@neo/data';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Query of `GET /transfers`: one user's transfers, newest first. */
export class ListTransfersQuery extends PageQuery {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  userId!: string;
}
