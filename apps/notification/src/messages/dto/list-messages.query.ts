import { PageQuery } from '@neo/data';
import { IsIn, IsOptional } from 'class-validator';

export const MESSAGE_STATUSES = ['pending', 'delivering', 'delivered', 'dead'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Query of `GET /messages`: a page of the messages in one status (`dead`: the dead letters). */
export class ListMessagesQuery extends PageQuery {
  @IsOptional()
  @IsIn(MESSAGE_STATUSES, { message: `status must be one of: ${MESSAGE_STATUSES.join(', ')}` })
  status: MessageStatus = 'dead';
}
