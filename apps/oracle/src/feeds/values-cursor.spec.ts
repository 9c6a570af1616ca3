import { describe, expect, it } from 'vitest';
import { InvalidValuesCursorError } from './feed.errors.js';
import { decodeValuesCursor, encodeValuesCursor } from './values-cursor.js';

describe('values cursor', () => {
  it('round-trips a value id', () => {
    const id = '01936f3e-8c4a-7b2d-9e1f-0a1b2c3d4e5f';
    expect(decodeValuesCursor(encodeValuesCursor(id))).toBe(id);
  });

  it('refuses anything that does not decode to an id', () => {
    expect(() => decodeValuesCursor('garbage')).toThrow(InvalidValuesCursorError);
    expect(() => decodeValuesCursor(Buffer.from("1' OR 1=1").toString('base64url'))).toThrow(InvalidValuesCursorError);
  });
});
