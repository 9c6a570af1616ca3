import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCiphertext, encodeCiphertext } from './key-ciphertext.js';

describe('key ciphertexts', () => {
  it('carry their key version and sealed bytes', () => {
    const sealed = randomBytes(12 + 16 + 5);
    const text = encodeCiphertext({ version: 7, sealed });
    expect(text).toMatch(/^7\.[A-Za-z0-9_-]+$/);
    const decoded = decodeCiphertext(text);
    expect(decoded?.version).toBe(7);
    expect(decoded?.sealed.equals(sealed)).toBe(true);
  });

  it.each([
    '',
    '7',
    '0.AAAA',
    '-1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    '7.short',
    '7.' + 'A'.repeat(40) + '=',
    'x.' + 'A'.repeat(40),
  ])('refuses %j', (text) => {
    expect(decodeCiphertext(text)).toBeUndefined();
  });
});
