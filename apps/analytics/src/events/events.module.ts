import { Module } from '@nestjs/common';
import { EventPartitions } from '../partitions/event-partitions.js';
import { EventsController } from './events.controller.js';
import { EventsService } from './events.service.js';

/** Event and rollup endpoints, and the partitions of `events`. The data client and settings come from the app module. */
@Module({
  controllers: [EventsController],
  providers: [EventsService, EventPartitions],
})
export class EventsModule {}
