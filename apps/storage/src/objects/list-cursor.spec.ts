import { describe, expect, it } from 'vitest';
import { pages } from './list-cursor.js';
import { InvalidCursorError } from './storage-object.errors.js';

describe('list cursor', () => {
  it('round-trips a position', () => {
    const position = { createdDate: new Date('2025-03-01T10:00:00.123Z'), id: '01956d8e-7a4b-7c3d-8e2f-1a2b3c4d5e6f' };
    expect(pages.decode(pages.encode(position))).toEqual(position);
  });

  it.each([
    ['not base64 json', 'abc'],
    ['a JSON object', Buffer.from('{"a":1}').toString('base64url')],
    ['a bad date', Buffer.from('["yesterday","01956d8e-7a4b-7c3d-8e2f-1a2b3c4d5e6f"]').toString('base64url')],
    ['a bad id', Buffer.from('["2025-03-01T10:00:00.000Z","x; DROP TABLE"]').toString('base64url')],
  ])('refuses %s with a typed error', (_label, cursor) => {
    expect(() => pages.decode(cursor)).toThrow(InvalidCursorError);
  });
});
