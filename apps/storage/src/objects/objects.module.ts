import { Module } from '@nestjs/common';
import { UuidV7Generator } from '../ids/uuidv7.js';
import { ObjectsController } from './objects.controller.js';
import { ObjectsService } from './objects.service.js';

/** Object metadata endpoints. The data client comes from the global `DataModule`. */
@Module({
  controllers: [ObjectsController],
  providers: [ObjectsService, { provide: UuidV7Generator, useFactory: () => new UuidV7Generator() }],
})
export class ObjectsModule {}
