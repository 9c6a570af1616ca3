import { HttpStatus } from '@nestjs/common';
import { serviceHttpError } from '@neo/data/nest';
import { CredentialNotFoundError, InvalidAuditCursorError } from '../credentials/credential.errors.js';

/** The service's own errors as HTTP answers; anything else is left to the default handler (a bare 500). */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof CredentialNotFoundError) return serviceHttpError(HttpStatus.NOT_FOUND, exception);
  if (exception instanceof InvalidAuditCursorError) return serviceHttpError(HttpStatus.BAD_REQUEST, exception);
  return exception;
}
