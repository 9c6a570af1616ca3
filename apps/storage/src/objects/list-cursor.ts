import { positionCursorCodec, type CursorPosition } from '@neo/data';
import { InvalidCursorError } from './storage-object.errors.js';

/**
 * Where a page of the newest-first listing ends: the last row's (createdDate, id).
 * A position, not an offset or a row reference, so it stays valid when rows are
 * added or deleted, and when rows are later spread over date-ranged shards.
 */
export type ListPosition = CursorPosition<'createdDate'>;

const cursor = positionCursorCodec('createdDate', (options) => new InvalidCursorError(options));

/** Opaque to clients: base64url of `[isoDate, id]`. */
export function encodeCursor(position: ListPosition): string {
  return cursor.encode(position);
}

export function decodeCursor(value: string): ListPosition {
  return cursor.decode(value);
}
