import { DataError } from '@neo/data';

/** No object has this id (or it was deleted). */
export class ObjectNotFoundError extends DataError {
  constructor(readonly id: string) {
    super('STORAGE_OBJECT_NOT_FOUND', `no object with id ${id}`);
  }
}

/** An owner's keys are unique: the object must be deleted before its key is used again. */
export class ObjectAlreadyExistsError extends DataError {
  constructor(owner: string, key: string, options?: { cause?: unknown }) {
    super(
      'STORAGE_OBJECT_EXISTS',
      `owner ${JSON.stringify(owner)} already has an object with key ${JSON.stringify(key)}; delete it first or choose another key`,
      options,
    );
  }
}

/** A `cursor` not produced by this service (or corrupted on the way). */
export class InvalidCursorError extends DataError {
  constructor(options?: { cause?: unknown }) {
    super('STORAGE_INVALID_CURSOR', 'cursor is malformed: pass the nextCursor of the previous page unchanged', options);
  }
}
