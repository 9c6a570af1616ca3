import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { PageQuery } from '@neo/data';
import { UuidParamPipe } from '@neo/data/nest';
import type { Page } from '../paging/page-cursor.js';
import { SubmitBatchDto } from './dto/submit-batch.dto.js';
import { SubmitTransactionDto } from './dto/submit-transaction.dto.js';
import { toTransactionPage, toTransactionResponse, type TransactionResponse } from './dto/transaction.response.js';
import { TransactionsService } from './transactions.service.js';
import { ParseUserIdPipe } from './user-id.pipe.js';

@Controller('transactions')
export class TransactionsController {
  constructor(private readonly transactions: TransactionsService) {}

  @Post()
  async submit(@Body() body: SubmitTransactionDto): Promise<TransactionResponse> {
    return toTransactionResponse(await this.transactions.submit(body));
  }

  @Post('batch')
  async submitBatch(@Body() body: SubmitBatchDto): Promise<{ items: TransactionResponse[] }> {
    return { items: (await this.transactions.submitBatch(body.transactions)).map(toTransactionResponse) };
  }

  // Declared before ':id' so "recent" is not taken for an id.
  @Get('recent')
  async recent(@Query() query: PageQuery): Promise<Page<TransactionResponse>> {
    return toTransactionPage(await this.transactions.listRecent(query));
  }

  /** By id alone every shard is asked; prefer `GET /users/:userId/transactions/:id`. */
  @Get(':id')
  async find(@Param('id', UuidParamPipe) id: string): Promise<TransactionResponse> {
    return toTransactionResponse(await this.transactions.find(id));
  }
}

@Controller('users/:userId/transactions')
export class UserTransactionsController {
  constructor(private readonly transactions: TransactionsService) {}

  @Get()
  async list(@Param('userId', ParseUserIdPipe) userId: bigint, @Query() query: PageQuery): Promise<Page<TransactionResponse>> {
    return toTransactionPage(await this.transactions.listForUser(userId, query));
  }

  @Get(':id')
  async get(@Param('userId', ParseUserIdPipe) userId: bigint, @Param('id', UuidParamPipe) id: string): Promise<TransactionResponse> {
    return toTransactionResponse(await this.transactions.getForUser(userId, id));
  }
}
