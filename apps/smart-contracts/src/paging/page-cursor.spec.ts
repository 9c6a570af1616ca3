import { describe, expect, it } from 'vitest';
import { afterPosition, decodeCursor, encodeCursor, toPage } from './page-cursor.js';
import { InvalidCursorError } from './invalid-cursor.error.js';

const ID = '01936a5e-8f00-7abc-8def-0123456789ab';

describe('page cursor', () => {
  it('round-trips a position', () => {
    const position = { createdAt: new Date('2026-03-04T05:06:07.089Z'), id: ID };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ['not base64 json'],
    [Buffer.from('[1,2]').toString('base64url')],
    [Buffer.from('["nope","x"]').toString('base64url')],
    [Buffer.from(`["2026-01-01T00:00:00Z","${ID}",3]`).toString('base64url')],
  ])('refuses %s', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(InvalidCursorError);
  });

  it('filters strictly after the position in newest-first order', () => {
    const createdAt = new Date('2026-01-01T00:00:00Z');
    expect(afterPosition(undefined)).toEqual({});
    expect(afterPosition({ createdAt, id: ID })).toEqual({ OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: ID } }] });
  });

  it('gives a next cursor only when the extra row exists', () => {
    const rows = [3, 2, 1].map((n) => ({ createdAt: new Date(n * 1000), id: ID.replace(/b$/, String(n)) }));
    const full = toPage(rows, 2);
    expect(full.items).toEqual(rows.slice(0, 2));
    expect(decodeCursor(full.nextCursor!)).toEqual(rows[1]);
    expect(toPage(rows, 3)).toEqual({ items: rows, nextCursor: null });
  });
});
