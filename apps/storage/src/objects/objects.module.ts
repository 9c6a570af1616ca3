import { Module } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { ObjectsController } from './objects.controller.js';
import { ObjectsService } from './objects.service.js';

/** Object metadata endpoints. The data client comes from the global `DataModule`. */
@Module({
  controllers: [ObjectsController],
  providers: [ObjectsService, { provide: Uuidv7Generator, useFactory: () => new Uuidv7Generator() }],
})
export class ObjectsModule {}
