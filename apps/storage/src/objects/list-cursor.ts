import { InvalidCursorError } from './storage-object.errors.js';

/**
 * Where a page of the newest-first listing ends: the last row's (createdDate, id).
 * A position, not an offset or a row reference, so it stays valid when rows are
 * added or deleted, and when rows are later spread over date-ranged shards.
 */
export interface ListPosition {
  createdDate: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque to clients: base64url of `[isoDate, id]`. */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.createdDate.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError({ cause: error });
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw new InvalidCursorError();
  const [date, id] = parsed as unknown[];
  if (typeof date !== 'string' || typeof id !== 'string' || !UUID.test(id)) throw new InvalidCursorError();
  const createdDate = new Date(date);
  if (Number.isNaN(createdDate.getTime())) throw new InvalidCursorError();
  return { createdDate, id };
}
