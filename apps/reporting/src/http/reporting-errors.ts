import { HttpStatus } from '@nestjs/common';
import { invalidRequest, serviceHttpError } from '@neo/data/nest';
import { DefinitionAlreadyExistsError, DefinitionNotFoundError, InvalidCursorError } from '../definitions/definition.errors.js';
import { InputOutsideRetentionError } from '../inputs/input.errors.js';
import { InvalidReportWindowError, ReportNotFoundError, ReportTooLargeError } from '../reports/report.errors.js';

/** The service's own errors as HTTP answers; anything else is left to the default handler (a bare 500). */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof DefinitionNotFoundError || exception instanceof ReportNotFoundError) {
    return serviceHttpError(HttpStatus.NOT_FOUND, exception);
  }
  if (exception instanceof DefinitionAlreadyExistsError) return serviceHttpError(HttpStatus.CONFLICT, exception);
  // A window field at fault: the same answer as any other bad field, naming it in `fields`.
  if (exception instanceof InvalidReportWindowError) return invalidRequest([{ field: exception.field, message: exception.message }]);
  if (
    exception instanceof InvalidCursorError ||
    exception instanceof InputOutsideRetentionError ||
    exception instanceof ReportTooLargeError
  ) {
    return serviceHttpError(HttpStatus.BAD_REQUEST, exception);
  }
  return exception;
}
