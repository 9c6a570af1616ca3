import { DataError } from '@neo/data';

/** A `cursor` not produced by this service (or corrupted on the way). */
export class InvalidCursorError extends DataError {
  constructor(options?: { cause?: unknown }) {
    super('SMARTCONTRACTS_INVALID_CURSOR', 'cursor is malformed: pass the nextCursor of the previous page unchanged', options);
  }
}
