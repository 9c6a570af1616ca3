import { describe, expect, it } from 'vitest';
import { pages } from './page-cursor.js';
import { InvalidCursorError } from './invalid-cursor.error.js';

const ID = '01936a5e-8f00-7abc-8def-0123456789ab';

describe('page cursor', () => {
  it('round-trips a position', () => {
    const position = { createdAt: new Date('2026-03-04T05:06:07.089Z'), id: ID };
    expect(pages.decode(pages.encode(position))).toEqual(position);
  });

  it.each([
    ['not base64 json'],
    [Buffer.from('[1,2]').toString('base64url')],
    [Buffer.from('["nope","x"]').toString('base64url')],
    [Buffer.from(`["2026-01-01T00:00:00Z","${ID}",3]`).toString('base64url')],
  ])('refuses %s with the service error', (cursor) => {
    expect(() => pages.decode(cursor)).toThrow(InvalidCursorError);
  });

  it('pages by createdAt, newest first', () => {
    expect(pages.orderBy).toEqual([{ createdAt: 'desc' }, { id: 'desc' }]);
  });
});
