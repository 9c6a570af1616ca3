import { HttpStatus } from '@nestjs/common';
import { serviceHttpError } from '@neo/data/nest';
import { InvalidItemsCursorError, ItemAlreadyExistsError, ItemNotFoundError } from '../items/item.errors.js';

/** The service's own errors as HTTP answers; anything else is left to the default handler (a bare 500). */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof ItemNotFoundError) return serviceHttpError(HttpStatus.NOT_FOUND, exception);
  if (exception instanceof ItemAlreadyExistsError) return serviceHttpError(HttpStatus.CONFLICT, exception);
  if (exception instanceof InvalidItemsCursorError) return serviceHttpError(HttpStatus.BAD_REQUEST, exception);
  return exception;
}
