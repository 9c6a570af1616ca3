import { HttpStatus } from '@nestjs/common';
import { serviceHttpError } from '@neo/data/nest';
import { CredentialNotFoundError, InvalidAuditCursorError } from '../credentials/credential.errors.js';
import {
  InvalidSecretAuditCursorError,
  InvalidSecretNameError,
  SecretNotFoundError,
  SecretUnreadableError,
  SecretWriteConflictError,
} from '../secrets/secret.errors.js';

/** The service's own errors as HTTP answers; anything else is left to the default handler (a bare 500). */
export function toHttpException(exception: unknown): unknown {
  if (exception instanceof CredentialNotFoundError) return serviceHttpError(HttpStatus.NOT_FOUND, exception);
  if (exception instanceof InvalidAuditCursorError) return serviceHttpError(HttpStatus.BAD_REQUEST, exception);
  if (exception instanceof SecretNotFoundError) return serviceHttpError(HttpStatus.NOT_FOUND, exception);
  if (exception instanceof InvalidSecretNameError || exception instanceof InvalidSecretAuditCursorError) {
    return serviceHttpError(HttpStatus.BAD_REQUEST, exception);
  }
  if (exception instanceof SecretWriteConflictError) return serviceHttpError(HttpStatus.CONFLICT, exception);
  // The server's configuration or storage, not the request: 503 with what the operator must do, naming no key or value.
  if (exception instanceof SecretUnreadableError) return serviceHttpError(HttpStatus.SERVICE_UNAVAILABLE, exception);
  return exception;
}
