import { BadRequestException, ConflictException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { InvalidCursorError, ObjectAlreadyExistsError, ObjectNotFoundError } from '../objects/storage-object.errors.js';
import { isDatabaseUnavailable } from './database-unavailable.js';

/**
 * Turns the service's own errors into HTTP answers (used by the data layer's
 * `DataExceptionFilter`, which answers its own errors first). Anything else falls through
 * to Nest's default: logged with its stack, answered with a bare 500, so neither stack
 * traces nor connection details reach a client.
 */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof ObjectNotFoundError) return new NotFoundException(exception.message);
  if (exception instanceof ObjectAlreadyExistsError) return new ConflictException(exception.message);
  if (exception instanceof InvalidCursorError) return new BadRequestException(exception.message);
  if (isDatabaseUnavailable(exception)) {
    return new ServiceUnavailableException('the storage database is unavailable; retry later', { cause: exception });
  }
  return exception;
}
