import { Module } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { ContractsController } from './contracts.controller.js';
import { ContractsService } from './contracts.service.js';

/** Contract endpoints. The data client comes from the global `DataModule`. */
@Module({
  controllers: [ContractsController],
  providers: [ContractsService, { provide: Uuidv7Generator, useFactory: () => new Uuidv7Generator() }],
  exports: [ContractsService],
})
export class ContractsModule {}
