import { HttpStatus } from '@nestjs/common';
import { serviceHttpError } from '@neo/data/nest';
import { InvalidRunsCursorError, JobAlreadyExistsError, JobNotFoundError } from '../jobs/job.errors.js';

/** The service's own errors as HTTP answers; anything else is left to the default handler (a bare 500). */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof JobNotFoundError) return serviceHttpError(HttpStatus.NOT_FOUND, exception);
  if (exception instanceof JobAlreadyExistsError) return serviceHttpError(HttpStatus.CONFLICT, exception);
  if (exception instanceof InvalidRunsCursorError) return serviceHttpError(HttpStatus.BAD_REQUEST, exception);
  return exception;
}
