import { HttpStatus } from '@nestjs/common';
import { serviceHttpError } from '@neo/data/nest';
import {
  InvalidCiphertextError,
  InvalidKeysCursorError,
  KeyAlreadyExistsError,
  KeyNotFoundError,
  RotationConflictError,
} from '../keys/key.errors.js';

/** The service's own errors as HTTP answers; anything else (a master key mismatch included) is left to the default handler (a bare 500). */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof KeyNotFoundError) return serviceHttpError(HttpStatus.NOT_FOUND, exception);
  if (exception instanceof KeyAlreadyExistsError || exception instanceof RotationConflictError) {
    return serviceHttpError(HttpStatus.CONFLICT, exception);
  }
  if (exception instanceof InvalidCiphertextError || exception instanceof InvalidKeysCursorError) {
    return serviceHttpError(HttpStatus.BAD_REQUEST, exception);
  }
  return exception;
}
