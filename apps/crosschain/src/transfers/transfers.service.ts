import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { newestFirstPages, Uuidv7Generator, withReadConsistency, type Page } from '@neo/data';
import type { CrosschainDb } from '../crosschain-db.js';
import type { Transfer } from '../generated/prisma/client.js';
import { toTransferResponse, type TransferResponse } from './dto/transfer.response.js';
import { canMove, nextStates, type TransferState } from './transfer-states.js';
import {
  IdempotencyKeyReusedError,
  InvalidTransfersCursorError,
  InvalidTransitionError,
  TransferNotFoundError,
} from './transfer.errors.js';

const pages = newestFirstPages('createdAt', (options) => new InvalidTransfersCursorError(options));

export interface TransferRequest {
  idempotencyKey: string;
  userId: string;
  sourceChain: string;
  targetChain: string;
  asset: string;
  amount: string;
}

/** Bridge transfers. Reads go to a fresh replica; what decides a write (the current state, a used key) is read on the primary. */
@Injectable()
export class TransfersService {
  constructor(
    @InjectDataClient() private readonly db: CrosschainDb,
    private readonly ids: Uuidv7Generator,
  ) {}

  /**
   * A new transfer in state `requested`, or, for a key used before with the same details, the
   * transfer made then (`created: false`). The unique index on the key decides between two
   * concurrent requests with one key: one inserts, the other finds its row.
   */
  async request(input: TransferRequest): Promise<{ transfer: TransferResponse; created: boolean }> {
    const now = new Date();
    try {
      const transfer = await this.db.transfer.create({
        data: { id: this.ids.next(), ...input, status: 'requested', createdAt: now, updatedAt: now },
      });
      return { transfer: toTransferResponse(transfer), created: true };
    } catch (error) {
      if (!isPrismaError(error, 'P2002')) throw error;
    }
    const existing = await withReadConsistency('primary', () =>
      this.db.transfer.findUnique({ where: { idempotencyKey: input.idempotencyKey } }),
    );
    if (!existing) throw new Error(`transfer with idempotency key ${input.idempotencyKey} vanished after a unique violation`);
    if (!sameRequest(existing, input)) throw new IdempotencyKeyReusedError(input.idempotencyKey, existing.id);
    return { transfer: toTransferResponse(existing), created: false };
  }

  async get(id: string): Promise<TransferResponse> {
    const transfer = await this.db.transfer.findUnique({ where: { id } });
    if (!transfer) throw new TransferNotFoundError(id);
    return toTransferResponse(transfer);
  }

  /** One user's transfers, newest first, `limit` at a time. */
  async list(query: { userId: string; limit: number; cursor?: string }): Promise<Page<TransferResponse>> {
    const after = query.cursor === undefined ? undefined : pages.decode(query.cursor);
    const rows = await this.db.transfer.findMany({
      where: { userId: query.userId, ...pages.after(after) },
      orderBy: pages.orderBy,
      take: query.limit + 1,
    });
    const page = pages.page(rows, query.limit);
    return { items: page.items.map(toTransferResponse), nextCursor: page.nextCursor };
  }

  /** Moves a transfer to `to` if its state allows it, as a compare-and-set on the state it was read in. */
  async move(id: string, to: TransferState, reason: string | undefined): Promise<TransferResponse> {
    const current = await withReadConsistency('primary', () => this.db.transfer.findUnique({ where: { id } }));
    if (!current) throw new TransferNotFoundError(id);
    const from = current.status as TransferState;
    if (!canMove(from, to)) throw new InvalidTransitionError(id, from, to, nextStates(from));
    try {
      const moved = await this.db.transfer.update({
        where: { id, status: from },
        data: { status: to, failureReason: to === 'failed' ? (reason ?? null) : null, updatedAt: new Date() },
      });
      return toTransferResponse(moved);
    } catch (error) {
      if (!isPrismaError(error, 'P2025')) throw error;
      // Another request moved it between the read and the update: answer with the state it is in now.
      const now = await withReadConsistency('primary', () => this.db.transfer.findUnique({ where: { id } }));
      const state = (now?.status ?? from) as TransferState;
      throw new InvalidTransitionError(id, state, to, nextStates(state));
    }
  }
}

function sameRequest(existing: Transfer, input: TransferRequest): boolean {
  return (
    existing.userId === input.userId &&
    existing.sourceChain === input.sourceChain &&
    existing.targetChain === input.targetChain &&
    existing.asset === input.asset &&
    existing.amount.equals(input.amount)
  );
}

function isPrismaError(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
