import { Module } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';
import { Scheduler } from './scheduler.js';

/** Job endpoints and this instance's scheduler. The data client and settings come from the app module. */
@Module({
  controllers: [JobsController],
  providers: [JobsService, Scheduler, { provide: Uuidv7Generator, useFactory: () => new Uuidv7Generator() }],
})
export class JobsModule {}
