import { Module } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { FeedsController } from './feeds.controller.js';
import { FeedsService } from './feeds.service.js';

/** Feed endpoints. The data client and the cache come from the global `DataModule`. */
@Module({
  controllers: [FeedsController],
  providers: [FeedsService, { provide: Uuidv7Generator, useFactory: () => new Uuidv7Generator() }],
})
export class FeedsModule {}
