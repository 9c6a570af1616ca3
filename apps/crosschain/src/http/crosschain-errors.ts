import { HttpStatus } from '@nestjs/common';
import { serviceHttpError } from '@neo/data/nest';
import {
  IdempotencyKeyReusedError,
  InvalidTransfersCursorError,
  InvalidTransitionError,
  TransferNotFoundError,
} from '../transfers/transfer.errors.js';

/** The service's own errors as HTTP answers; anything else is left to the default handler (a bare 500). */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof TransferNotFoundError) return serviceHttpError(HttpStatus.NOT_FOUND, exception);
  if (exception instanceof IdempotencyKeyReusedError || exception instanceof InvalidTransitionError) {
    return serviceHttpError(HttpStatus.CONFLICT, exception);
  }
  if (exception instanceof InvalidTransfersCursorError) return serviceHttpError(HttpStatus.BAD_REQUEST, exception);
  return exception;
}
