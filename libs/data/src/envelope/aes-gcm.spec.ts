import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KEY_BYTES, open, seal, SealBrokenError } from './aes-gcm.js';

describe('AES-256-GCM seal and open', () => {
  const key = randomBytes(KEY_BYTES);
  const message = Buffer.from('the launch codes');

  it('opens what it sealed, with a fresh IV each time', () => {
    const first = seal(key, message, 'key-1:v1');
    const second = seal(key, message, 'key-1:v1');
    expect(first.equals(second)).toBe(false);
    expect(open(key, first, 'key-1:v1').toString()).toBe('the launch codes');
    expect(first.length).toBe(12 + 16 + message.length);
  });

  it('refuses another key, another context, an altered byte, or a truncated seal', () => {
    const sealed = seal(key, message, 'key-1:v1');
    expect(() => open(randomBytes(KEY_BYTES), sealed, 'key-1:v1')).toThrow(SealBrokenError);
    expect(() => open(key, sealed, 'key-1:v2')).toThrow(SealBrokenError);
    const altered = Buffer.from(sealed);
    altered[altered.length - 1]! ^= 1;
    expect(() => open(key, altered, 'key-1:v1')).toThrow(SealBrokenError);
    expect(() => open(key, sealed.subarray(0, 20), 'key-1:v1')).toThrow(SealBrokenError);
  });
});
