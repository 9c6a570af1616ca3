import { describe, expect, it } from 'vitest';
import { isUuidV7, UuidV7Generator, uuidV7Time } from './uuidv7.js';

describe('UuidV7Generator', () => {
  it('makes RFC 9562 version-7, variant-10 UUIDs carrying the clock time', () => {
    const at = Date.UTC(2025, 4, 17, 12, 30, 45, 123);
    const id = new UuidV7Generator(() => at).next();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isUuidV7(id)).toBe(true);
    expect(uuidV7Time(id).getTime()).toBe(at);
  });

  it('strictly increases within one millisecond, also past the 12-bit counter', () => {
    const generator = new UuidV7Generator(() => 1_700_000_000_000);
    const ids = Array.from({ length: 10_000 }, () => generator.next());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // 10,000 ids cannot fit one millisecond's counter: the timestamp moved ahead instead of repeating.
    expect(uuidV7Time(ids[ids.length - 1] ?? '').getTime()).toBeGreaterThan(1_700_000_000_000);
  });

  it('stays ordered when the clock steps backwards', () => {
    let now = 1_700_000_000_500;
    const generator = new UuidV7Generator(() => now);
    const first = generator.next();
    now -= 400;
    const second = generator.next();
    expect(second > first).toBe(true);
  });

  it('refuses to read a time from something that is not a UUIDv7', () => {
    expect(() => uuidV7Time('0b6b2f0e-4c1a-4d7e-9f3a-2b1c0d9e8f7a')).toThrow(/not a UUIDv7/);
    expect(isUuidV7('not-a-uuid')).toBe(false);
  });
});
