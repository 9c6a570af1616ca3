import { HttpStatus } from '@nestjs/common';
import { serviceHttpError } from '@neo/data/nest';
import {
  FeedAlreadyExistsError,
  FeedHasNoValuesError,
  FeedNotFoundError,
  InvalidFeedValueError,
  InvalidValuesCursorError,
} from '../feeds/feed.errors.js';

/** The service's own errors as HTTP answers; anything else is left to the default handler (a bare 500). */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof FeedNotFoundError || exception instanceof FeedHasNoValuesError) {
    return serviceHttpError(HttpStatus.NOT_FOUND, exception);
  }
  if (exception instanceof FeedAlreadyExistsError) return serviceHttpError(HttpStatus.CONFLICT, exception);
  if (exception instanceof InvalidFeedValueError || exception instanceof InvalidValuesCursorError) {
    return serviceHttpError(HttpStatus.BAD_REQUEST, exception);
  }
  return exception;
}
