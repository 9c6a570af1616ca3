import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import type { Page } from '@neo/data';
import { UuidParamPipe } from '@neo/data/nest';
import { ListMessagesQuery } from './dto/list-messages.query.js';
import type { MessageResponse } from './dto/message.response.js';
import { SendMessageDto } from './dto/send-message.dto.js';
import { MessagesService } from './messages.service.js';

@Controller('messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** 201 once the message is in the outbox; its delivery follows. */
  @Post()
  send(@Body() body: SendMessageDto): Promise<MessageResponse> {
    return this.messages.send(body);
  }

  /** `?status=dead` (the default) lists the dead letters. */
  @Get()
  list(@Query() query: ListMessagesQuery): Promise<Page<MessageResponse>> {
    return this.messages.list(query);
  }

  @Get(':id')
  get(@Param('id', UuidParamPipe) id: string): Promise<MessageResponse> {
    return this.messages.get(id);
  }

  /** A dead letter goes back into the outbox; 409 for a message that is not dead. */
  @Post(':id/retry')
  retry(@Param('id', UuidParamPipe) id: string): Promise<MessageResponse> {
    return this.messages.retry(id);
  }
}
