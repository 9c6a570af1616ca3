import { BadRequestException, ConflictException, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { CrossShardTransactionError, ShardKeyRequiredError, ShardKeyTypeError, type DataError } from '@neo/data';
import { ContractAlreadyExistsError, ContractNotFoundError } from '../contracts/contract.errors.js';
import { InvalidCursorError } from '../paging/invalid-cursor.error.js';
import { TransactionNotFoundError } from '../transactions/transaction.errors.js';

const body = (statusCode: number, error: string, exception: DataError) => ({
  statusCode,
  error,
  code: exception.code,
  message: exception.message,
});

/** The service's own errors (and the shard router's refusals) as HTTP answers; anything else is left to the default handler (a bare 500). */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof ContractNotFoundError || exception instanceof TransactionNotFoundError) {
    return new NotFoundException(body(404, 'Not Found', exception));
  }
  if (exception instanceof ContractAlreadyExistsError) return new ConflictException(body(409, 'Conflict', exception));
  if (exception instanceof InvalidCursorError || exception instanceof ShardKeyRequiredError || exception instanceof ShardKeyTypeError) {
    return new BadRequestException(body(400, 'Bad Request', exception));
  }
  // The request is well-formed but asks for an atomic write over several shards, which the layout cannot give.
  if (exception instanceof CrossShardTransactionError)
    return new UnprocessableEntityException(body(422, 'Unprocessable Entity', exception));
  return exception;
}
