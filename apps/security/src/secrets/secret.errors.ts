import { DataError } from '@neo/data';

/** No secret has this name, or it was deleted. */
export class SecretNotFoundError extends DataError {
  constructor(
    readonly secretName: string,
    deleted = false,
  ) {
    super(
      'SECURITY_SECRET_NOT_FOUND',
      deleted ? `secret ${secretName} was deleted: write it again with PUT /secrets/${secretName}` : `no secret named ${secretName}`,
    );
  }
}

/** The `:name` of the path is not a secret name. */
export class InvalidSecretNameError extends DataError {
  constructor(problem: string) {
    super('SECURITY_INVALID_SECRET_NAME', `the secret name (:name) ${problem}`);
  }
}

/**
 * A stored secret version does not open: the service runs with another master key than the one
 * that wrapped it, or the stored bytes were altered. A fault of the server's configuration or
 * storage, not of the request: the message names neither the key nor the value.
 */
export class SecretUnreadableError extends DataError {
  constructor(
    readonly secretName: string,
    readonly version: number,
    readonly reason: 'another-master-key' | 'altered',
    options?: { cause?: unknown },
  ) {
    super(
      'SECURITY_SECRET_UNREADABLE',
      reason === 'another-master-key'
        ? `secret ${secretName} version ${version} was encrypted under another master key: start the service with the NEO_SECURITY_MASTER_KEY it was written under`
        : `secret ${secretName} version ${version} does not decrypt: its stored bytes were altered; write the secret again`,
      options,
    );
  }
}

/** Another writer kept changing the secret while this one tried to add a version. */
export class SecretWriteConflictError extends DataError {
  constructor(readonly secretName: string) {
    super('SECURITY_SECRET_WRITE_CONFLICT', `secret ${secretName} is being written by others at the same moment: try again`);
  }
}

/** A `cursor` not produced by this service (or corrupted on the way). */
export class InvalidSecretAuditCursorError extends DataError {
  constructor(options?: { cause?: unknown }) {
    super('SECURITY_INVALID_CURSOR', 'cursor is malformed: pass the nextCursor of the previous page unchanged', options);
  }
}
