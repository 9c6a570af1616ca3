import { HttpStatus } from '@nestjs/common';
import { serviceHttpError } from '@neo/data/nest';
import { InvalidCursorError, ObjectAlreadyExistsError, ObjectNotFoundError } from '../objects/storage-object.errors.js';

/**
 * Turns the service's own errors into HTTP answers (used by the data layer's
 * `DataExceptionFilter`, which answers its own errors first, a database that cannot be reached
 * among them). Anything else falls through to Nest's default: logged with its stack, answered
 * with a bare 500, so neither stack traces nor connection details reach a client.
 */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof ObjectNotFoundError) return serviceHttpError(HttpStatus.NOT_FOUND, exception);
  if (exception instanceof ObjectAlreadyExistsError) return serviceHttpError(HttpStatus.CONFLICT, exception);
  if (exception instanceof InvalidCursorError) return serviceHttpError(HttpStatus.BAD_REQUEST, exception);
  return exception;
}
