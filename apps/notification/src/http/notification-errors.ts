import { HttpStatus } from '@nestjs/common';
import { serviceHttpError } from '@neo/data/nest';
import { InvalidMessagesCursorError, MessageNotFoundError, NotADeadLetterError } from '../messages/message.errors.js';

/** The service's own errors as HTTP answers; anything else is left to the default handler (a bare 500). */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof MessageNotFoundError) return serviceHttpError(HttpStatus.NOT_FOUND, exception);
  if (exception instanceof NotADeadLetterError) return serviceHttpError(HttpStatus.CONFLICT, exception);
  if (exception instanceof InvalidMessagesCursorError) return serviceHttpError(HttpStatus.BAD_REQUEST, exception);
  return exception;
}
