import { InvalidValuesCursorError } from './feed.errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Where a newest-first page of a feed's values ends: the id of its last value. Value ids are
 * UUIDv7s made at publication, so id order is publication order, and the position stays valid
 * while new values arrive. Opaque to clients (base64url).
 */
export function encodeValuesCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

export function decodeValuesCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id)) throw new InvalidValuesCursorError();
  return id.toLowerCase();
}
