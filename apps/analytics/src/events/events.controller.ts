import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { RecordEventsDto } from './dto/record-events.dto.js';
import { RollupsQuery } from './dto/rollups.query.js';
import { EventsService, type RollupResponse } from './events.service.js';

@Controller()
export class EventsController {
  constructor(private readonly events: EventsService) {}

  /** 201 with how many events were new (a batch sent again writes none). */
  @Post('events')
  record(@Body() body: RecordEventsDto): Promise<{ written: number }> {
    return this.events.record(body.events);
  }

  @Get('rollups')
  rollups(@Query() query: RollupsQuery): Promise<{ items: RollupResponse[] }> {
    return this.events.rollups(query).then((items) => ({ items }));
  }
}
