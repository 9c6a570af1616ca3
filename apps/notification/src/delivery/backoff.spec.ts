import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.js';

describe('backoffDelayMs', () => {
  const settings = { baseMs: 100, maxMs: 1_000 };

  it('doubles from the base and stops at the cap', () => {
    const noJitter = () => 0;
    expect([1, 2, 3, 4, 5, 50].map((attempt) => backoffDelayMs(attempt, settings, noJitter))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('takes off at most 20 % as jitter', () => {
    expect(backoffDelayMs(3, settings, () => 1)).toBe(320);
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelayMs(2, settings);
      expect(delay).toBeGreaterThanOrEqual(160);
      expect(delay).toBeLessThanOrEqual(200);
    }
  });
});
