import { DataError } from '@neo/data';

/** No transaction has this id (for this user, when a user was given). */
export class TransactionNotFoundError extends DataError {
  constructor(
    readonly id: string,
    userId?: bigint,
  ) {
    super(
      'SMARTCONTRACTS_TRANSACTION_NOT_FOUND',
      userId === undefined ? `no transaction with id ${id}` : `user ${userId} has no transaction with id ${id}`,
    );
  }
}
