import { DataError } from '@neo/data';

/** No credential has this id. */
export class CredentialNotFoundError extends DataError {
  constructor(readonly credentialId: string) {
    super('SECURITY_CREDENTIAL_NOT_FOUND', `no credential with id ${credentialId}`);
  }
}

/** A `cursor` not produced by this service (or corrupted on the way). */
export class InvalidAuditCursorError extends DataError {
  constructor(options?: { cause?: unknown }) {
    super('SECURITY_INVALID_CURSOR', 'cursor is malformed: pass the nextCursor of the previous page unchanged', options);
  }
}
