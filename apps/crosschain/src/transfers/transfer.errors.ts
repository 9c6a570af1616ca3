import { DataError } from '@neo/data';
import type { TransferState } from './transfer-states.js';

/** No transfer has this id. */
export class TransferNotFoundError extends DataError {
  constructor(readonly transferId: string) {
    super('CROSSCHAIN_TRANSFER_NOT_FOUND', `no transfer with id ${transferId}`);
  }
}

/** The idempotency key was used before for a different request. */
export class IdempotencyKeyReusedError extends DataError {
  constructor(key: string, transferId: string) {
    super(
      'CROSSCHAIN_IDEMPOTENCY_KEY_REUSED',
      `idempotency key ${JSON.stringify(key)} was already used for transfer ${transferId} with other details; use a new key for a new transfer`,
    );
  }
}

/** The transfer is not in a state that may move to the one asked (or another request moved it first). */
export class InvalidTransitionError extends DataError {
  constructor(transferId: string, from: string, to: TransferState, allowed: readonly TransferState[]) {
    super(
      'CROSSCHAIN_INVALID_TRANSITION',
      `transfer ${transferId} is ${from} and cannot move to ${to}; ` +
        (allowed.length > 0 ? `it may move to: ${allowed.join(', ')}` : `${from} is final`),
    );
  }
}

/** A `cursor` not produced by this service (or corrupted on the way). */
export class InvalidTransfersCursorError extends DataError {
  constructor(options?: { cause?: unknown }) {
    super('CROSSCHAIN_INVALID_CURSOR', 'cursor is malformed: pass the nextCursor of the previous page unchanged', options);
  }
}
