import { DataError } from '@neo/data';

/** No key has this id. */
export class KeyNotFoundError extends DataError {
  constructor(readonly keyId: string) {
    super('KEYMANAGEMENT_KEY_NOT_FOUND', `no key with id ${keyId}; list the keys with GET /keys`);
  }
}

/** Key names are unique. */
export class KeyAlreadyExistsError extends DataError {
  constructor(name: string, options?: { cause?: unknown }) {
    super('KEYMANAGEMENT_KEY_EXISTS', `a key named ${JSON.stringify(name)} already exists; choose another name`, options);
  }
}

/** A ciphertext this key did not make, or one altered on the way. */
export class InvalidCiphertextError extends DataError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(
      'KEYMANAGEMENT_INVALID_CIPHERTEXT',
      `ciphertext ${reason}: pass the ciphertext POST /keys/:id/encrypt returned, unchanged, to the same key`,
      options,
    );
  }
}

/** Rotations of one key kept colliding with each other; the caller may simply retry. */
export class RotationConflictError extends DataError {
  constructor(keyId: string) {
    super('KEYMANAGEMENT_ROTATION_CONFLICT', `key ${keyId} is being rotated by other requests at the same time; retry the rotation`);
  }
}

/** The key version was wrapped by another master key than the one this service runs with. */
export class MasterKeyMismatchError extends DataError {
  constructor(keyId: string, version: number) {
    super(
      'KEYMANAGEMENT_MASTER_KEY_MISMATCH',
      `key ${keyId} version ${version} was wrapped by another master key: start the service with the master key it was created under`,
    );
  }
}

/** A `cursor` not produced by this service (or corrupted on the way). */
export class InvalidKeysCursorError extends DataError {
  constructor(options?: { cause?: unknown }) {
    super('KEYMANAGEMENT_INVALID_CURSOR', 'cursor is malformed: pass the nextCursor of the previous page unchanged', options);
  }
}
