import { Module } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { TransfersController } from './transfers.controller.js';
import { TransfersService } from './transfers.service.js';

/** Transfer endpoints. The data client comes from the global `DataModule`. */
@Module({
  controllers: [TransfersController],
  providers: [TransfersService, { provide: Uuidv7Generator, useFactory: () => new Uuidv7Generator() }],
})
export class TransfersModule {}
