import { HttpStatus } from '@nestjs/common';
import { CrossShardTransactionError, ShardKeyRequiredError, ShardKeyTypeError } from '@neo/data';
import { serviceHttpError } from '@neo/data/nest';
import { ContractAlreadyExistsError, ContractNotFoundError } from '../contracts/contract.errors.js';
import { InvalidCursorError } from '../paging/invalid-cursor.error.js';
import { TransactionNotFoundError } from '../transactions/transaction.errors.js';

/** The service's own errors (and the shard router's refusals) as HTTP answers; anything else is left to the default handler (a bare 500). */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof ContractNotFoundError || exception instanceof TransactionNotFoundError) {
    return serviceHttpError(HttpStatus.NOT_FOUND, exception);
  }
  if (exception instanceof ContractAlreadyExistsError) return serviceHttpError(HttpStatus.CONFLICT, exception);
  if (exception instanceof InvalidCursorError || exception instanceof ShardKeyRequiredError || exception instanceof ShardKeyTypeError) {
    return serviceHttpError(HttpStatus.BAD_REQUEST, exception);
  }
  // The request is well-formed but asks for an atomic write over several shards, which the layout cannot give.
  if (exception instanceof CrossShardTransactionError) return serviceHttpError(HttpStatus.UNPROCESSABLE_ENTITY, exception);
  return exception;
}
