import { describe, expect, it } from 'vitest';
import { keptWindow } from './retention.js';

describe('keptWindow', () => {
  it('runs from the retention cutoff to the end of the last period made ahead', () => {
    const now = new Date('2026-11-28T06:30:00Z');
    expect(keptWindow(now, { retentionDays: 30, interval: 'day', partitionsAhead: 3 })).toEqual({
      from: new Date('2026-10-29T06:30:00Z'),
      to: new Date('2026-12-02T00:00:00Z'),
    });
    expect(keptWindow(now, { retentionDays: 365, interval: 'month', partitionsAhead: 1 })).toEqual({
      from: new Date('2025-11-28T06:30:00Z'),
      to: new Date('2027-01-01T00:00:00Z'),
    });
  });

  it('runs from the retention back to the end of the last period made ahead', () => {
    const window = keptWindow(new Date('2026-11-30T06:30:00Z'), { retentionDays: 30, interval: 'day', partitionsAhead: 3 });
    expect(window.from.toISOString()).toBe('2026-10-31T06:30:00.000Z');
    expect(window.to.toISOString()).toBe('2026-12-04T00:00:00.000Z');
  });
});
