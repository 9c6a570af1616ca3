import type { Transaction } from '../../generated/prisma/client.js';
import type { Page } from '../../paging/page-cursor.js';

/** A transaction as the API returns it: `userId` a JSON number (ids are capped at 2^53 - 1), `amount` an exact decimal string. */
export interface TransactionResponse {
  id: string;
  userId: number;
  contractId: string;
  method: string;
  amount: string | null;
  payload: unknown;
  status: string;
  createdAt: string;
}

export function toTransactionResponse(row: Transaction): TransactionResponse {
  return {
    id: row.id,
    userId: Number(row.userId),
    contractId: row.contractId,
    method: row.method,
    // toFixed() with no argument: every digit, never an exponent (toString writes 1e+29 for large amounts).
    amount: row.amount === null ? null : row.amount.toFixed(),
    payload: row.payload,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toTransactionPage(page: Page<Transaction>): Page<TransactionResponse> {
  return { items: page.items.map(toTransactionResponse), nextCursor: page.nextCursor };
}
