import { positionCursorCodec, type CursorPosition } from '@neo/data';
import { InvalidCursorError } from './invalid-cursor.error.js';

/**
 * Where a page of a newest-first listing ends: the last row's (createdAt, id). A position,
 * not an offset, so it stays valid when rows are added, and it works the same on one shard
 * and on a listing merged from every shard (the merge orders by the same two fields).
 */
export type PagePosition = CursorPosition<'createdAt'>;

const cursor = positionCursorCodec('createdAt', (options) => new InvalidCursorError(options));

/** Opaque to clients: base64url of `[isoDate, id]`. */
export function encodeCursor(position: PagePosition): string {
  return cursor.encode(position);
}

export function decodeCursor(value: string): PagePosition {
  return cursor.decode(value);
}

/** The Prisma filter "strictly after this position" in newest-first order. */
export function afterPosition(position: PagePosition | undefined) {
  if (!position) return {};
  return {
    OR: [{ createdAt: { lt: position.createdAt } }, { createdAt: position.createdAt, id: { lt: position.id } }],
  };
}

/** Newest first; the id breaks ties between rows of the same millisecond. */
export const NEWEST_FIRST = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

/** Cuts a `limit + 1` read into a page: the extra row only tells that another page exists. */
export function toPage<T extends PagePosition>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
