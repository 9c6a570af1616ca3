import { Module } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { ItemsController } from './items.controller.js';
import { ItemsService } from './items.service.js';

/** Item endpoints. The data client comes from the global `DataModule`. */
@Module({
  controllers: [ItemsController],
  providers: [ItemsService, { provide: Uuidv7Generator, useFactory: () => new Uuidv7Generator() }],
})
export class ItemsModule {}
