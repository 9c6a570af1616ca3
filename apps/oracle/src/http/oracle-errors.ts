import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
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
    return new NotFoundException({ statusCode: 404, error: 'Not Found', code: exception.code, message: exception.message });
  }
  if (exception instanceof FeedAlreadyExistsError) {
    return new ConflictException({ statusCode: 409, error: 'Conflict', code: exception.code, message: exception.message });
  }
  if (exception instanceof InvalidFeedValueError || exception instanceof InvalidValuesCursorError) {
    return new BadRequestException({ statusCode: 400, error: 'Bad Request', code: exception.code, message: exception.message });
  }
  return exception;
}
