import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUuidv7, uuidv7, Uuidv7Generator, uuidv7Time } from './uuidv7.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('UUIDv7', () => {
  it('has the RFC 9562 layout and carries its creation time', () => {
    const before = Date.now();
    const id = uuidv7();
    expect(id).toMatch(UUID_V7);
    expect(uuidv7Time(id).getTime()).toBeGreaterThanOrEqual(before);
    expect(uuidv7Time(id).getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('increases strictly, within a millisecond and when the clock steps back', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 2, maxLength: 200 }), fc.boolean(), (steps, highStart) => {
        let clock = 1_700_000_000_000;
        const ticks = [...steps];
        // highStart: every millisecond's counter starts at its highest start value.
        const random = highStart ? (size: number) => new Uint8Array(size).fill(0xff) : undefined;
        const generator = new Uuidv7Generator(() => (clock += ticks.shift() ?? 0), random);
        const ids = steps.map(() => generator.next());
        for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
        for (const id of ids) expect(id).toMatch(UUID_V7);
      }),
    );
  });

  it('is unique across many ids', () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => uuidv7()));
    expect(ids.size).toBe(20_000);
  });

  it('tells a UUIDv7 from other text and other UUID versions', () => {
    expect(isUuidv7(uuidv7())).toBe(true);
    expect(isUuidv7('0190f2a1-7e3b-4c2d-8f00-123456789abc')).toBe(false); // version 4
    expect(isUuidv7('not-a-uuid')).toBe(false);
    expect(() => uuidv7Time('0190f2a1-7e3b-4c2d-8f00-123456789abc')).toThrow(TypeError);
  });
});
