import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { Uuidv7Generator, uuidv7Time } from '@neo/data';
import { ContractNotFoundError } from '../contracts/contract.errors.js';
import { ContractsService } from '../contracts/contracts.service.js';
import type { Transaction } from '../generated/prisma/client.js';
import { prismaErrorCode } from '../http/prisma-error-code.js';
import { pages, type Page } from '../paging/page-cursor.js';
import type { SmartContractsDb } from '../smart-contracts-db.js';
import { TransactionNotFoundError } from './transaction.errors.js';

export interface NewTransaction {
  contractId: string;
  userId: number | bigint;
  method: string;
  amount?: string;
  payload?: Record<string, unknown>;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

/**
 * Transactions, sharded by `userId`: every call names the user where it has one, so the
 * sharded client sends it to that user's shard; listings without a user are read from every
 * shard and merged by the client (newest first, paged by the same cursor).
 */
@Injectable()
export class TransactionsService {
  constructor(
    @InjectDataClient() private readonly db: SmartContractsDb,
    private readonly contracts: ContractsService,
    private readonly ids: Uuidv7Generator,
  ) {}

  async submit(input: NewTransaction): Promise<Transaction> {
    await this.contracts.assertRegistered([input.contractId]);
    try {
      return await this.db.transaction.create({ data: this.row(input) });
    } catch (error) {
      throw this.contractGone(error, input.contractId);
    }
  }

  /**
   * Writes every transaction or none, in one database transaction. The transactions must live
   * on one shard (one user, or users whose ids fall on the same shard): otherwise the sharded
   * client refuses the batch with `CrossShardTransactionError` before anything is written.
   */
  async submitBatch(inputs: readonly NewTransaction[]): Promise<Transaction[]> {
    await this.contracts.assertRegistered(inputs.map((input) => input.contractId));
    try {
      return await this.db.$transaction(inputs.map((input) => this.db.transaction.create({ data: this.row(input) })));
    } catch (error) {
      throw this.contractGone(error, inputs[0]!.contractId);
    }
  }

  /** One user's transaction: read from that user's shard only. */
  async getForUser(userId: bigint, id: string): Promise<Transaction> {
    const row = await this.db.transaction.findFirst({ where: { userId, id } });
    if (!row) throw new TransactionNotFoundError(id, userId);
    return row;
  }

  /** A transaction by id alone: without its user the shard is unknown, so every shard is asked. */
  async find(id: string): Promise<Transaction> {
    const row = await this.db.transaction.findUnique({ where: { id } });
    if (!row) throw new TransactionNotFoundError(id);
    return row;
  }

  /** One user's transactions, newest first: one shard. */
  async listForUser(userId: bigint, page: PageRequest): Promise<Page<Transaction>> {
    const after = page.cursor === undefined ? undefined : pages.decode(page.cursor);
    const rows = await this.db.transaction.findMany({
      where: { userId, ...pages.after(after) },
      orderBy: pages.orderBy,
      take: page.limit + 1,
    });
    return pages.page(rows, page.limit);
  }

  /** Every user's transactions, newest first: each shard's newest, merged by the sharded client. */
  async listRecent(page: PageRequest): Promise<Page<Transaction>> {
    const after = page.cursor === undefined ? undefined : pages.decode(page.cursor);
    const rows = await this.db.transaction.findMany({
      where: pages.after(after),
      orderBy: pages.orderBy,
      take: page.limit + 1,
    });
    return pages.page(rows, page.limit);
  }

  private row(input: NewTransaction) {
    const id = this.ids.next();
    return {
      id,
      userId: BigInt(input.userId),
      contractId: input.contractId,
      method: input.method,
      amount: input.amount ?? null,
      ...(input.payload === undefined ? {} : { payload: input.payload as object }),
      // The id's own instant: creation time and id order always agree.
      createdAt: uuidv7Time(id),
    };
  }

  /** A contract removed between the check and the write is refused by the shard's foreign key (P2003). */
  private contractGone(error: unknown, contractId: string): unknown {
    return prismaErrorCode(error) === 'P2003' ? new ContractNotFoundError(contractId, { cause: error }) : error;
  }
}
