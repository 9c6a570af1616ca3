import { describe, expect, it } from 'vitest';
import { positionCursorCodec } from './position-cursor.js';

const ID = '01956d8e-7a4b-7c3d-8e2f-1a2b3c4d5e6f';

class MalformedCursor extends Error {
  constructor(options?: { cause?: unknown }) {
    super('cursor is malformed', options);
  }
}

const codec = positionCursorCodec('createdAt', (options) => new MalformedCursor(options));

describe('positionCursorCodec', () => {
  it('round-trips a position under the given field name', () => {
    const position = { createdAt: new Date('2025-03-01T10:00:00.123Z'), id: ID };
    expect(codec.decode(codec.encode(position))).toEqual(position);
  });

  it('encodes only the position of a whole row, as base64url of [isoDate, id]', () => {
    const row = { createdAt: new Date('2025-03-01T10:00:00.123Z'), id: ID, owner: 'alice' };
    expect(JSON.parse(Buffer.from(codec.encode(row), 'base64url').toString('utf8'))).toEqual(['2025-03-01T10:00:00.123Z', ID]);
  });

  it.each([
    ['not base64 json', 'abc'],
    ['a JSON object', Buffer.from('{"a":1}').toString('base64url')],
    ['a pair of numbers', Buffer.from('[1,2]').toString('base64url')],
    ['three elements', Buffer.from(`["2026-01-01T00:00:00Z","${ID}",3]`).toString('base64url')],
    ['a bad date', Buffer.from(`["yesterday","${ID}"]`).toString('base64url')],
    ['a bad id', Buffer.from('["2025-03-01T10:00:00.000Z","x; DROP TABLE"]').toString('base64url')],
    // Instants PostgreSQL cannot store or give back: the query would fail, so the cursor is refused first.
    ['the earliest JavaScript date', Buffer.from(`["-271821-04-20T00:00:00.000Z","${ID}"]`).toString('base64url')],
    ['the year 0', Buffer.from(`["0000-01-01T00:00:00.000Z","${ID}"]`).toString('base64url')],
    ['a year of six digits', Buffer.from(`["+275760-09-13T00:00:00.000Z","${ID}"]`).toString('base64url')],
    ['February 30', Buffer.from(`["2025-02-30T00:00:00.000Z","${ID}"]`).toString('base64url')],
  ])('refuses %s with the service error', (_label, cursor) => {
    expect(() => codec.decode(cursor)).toThrow(MalformedCursor);
  });

  it('keeps the parse failure as the cause', () => {
    let thrown: unknown;
    try {
      codec.decode('abc');
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error).cause).toBeInstanceOf(SyntaxError);
  });
});
