import { HttpStatus } from '@nestjs/common';
import { serviceHttpError } from '@neo/data/nest';
import { EventOutsideRetentionError, InvalidRollupQueryError } from '../events/event.errors.js';

/** The service's own errors as HTTP answers; anything else is left to the default handler (a bare 500). */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof EventOutsideRetentionError || exception instanceof InvalidRollupQueryError) {
    return serviceHttpError(HttpStatus.BAD_REQUEST, exception);
  }
  return exception;
}
