import { BadRequestException } from '@nestjs/common';
import { InvalidSeriesQueryError, SampleOutsideRetentionError } from '../samples/samples.errors.js';

/** The service's own errors as HTTP answers; anything else is left to the default handler (a bare 500). */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof SampleOutsideRetentionError || exception instanceof InvalidSeriesQueryError) {
    return new BadRequestException({ statusCode: 400, error: 'Bad Request', code: exception.code, message: exception.message });
  }
  return exception;
}
