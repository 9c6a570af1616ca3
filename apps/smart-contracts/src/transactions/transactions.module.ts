import { Module } from '@nestjs/common';
import { Uuidv7Generator } from '@neo/data';
import { ContractsModule } from '../contracts/contracts.module.js';
import { TransactionsController, UserTransactionsController } from './transactions.controller.js';
import { TransactionsService } from './transactions.service.js';

/** Transaction endpoints. The data client comes from the global `DataModule`. */
@Module({
  imports: [ContractsModule],
  controllers: [TransactionsController, UserTransactionsController],
  providers: [TransactionsService, { provide: Uuidv7Generator, useFactory: () => new Uuidv7Generator() }],
})
export class TransactionsModule {}
