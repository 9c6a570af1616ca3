import type { Transfer } from '../../generated/prisma/client.js';

export interface TransferResponse {
  id: string;
  idempotencyKey: string;
  userId: string;
  sourceChain: string;
  targetChain: string;
  asset: string;
  amount: string;
  status: string;
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toTransferResponse(transfer: Transfer): TransferResponse {
  return {
    id: transfer.id,
    idempotencyKey: transfer.idempotencyKey,
    userId: transfer.userId,
    sourceChain: transfer.sourceChain,
    targetChain: transfer.targetChain,
    asset: transfer.asset,
    // toFixed() with no argument: every digit, never an exponent.
    amount: transfer.amount.toFixed(),
    status: transfer.status,
    failureReason: transfer.failureReason,
    createdAt: transfer.createdAt.toISOString(),
    updatedAt: transfer.updatedAt.toISOString(),
  };
}
