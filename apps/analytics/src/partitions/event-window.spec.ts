import { describe, expect, it } from 'vitest';
import { eventWindow } from './event-window.js';

describe('eventWindow', () => {
  it('runs from the retention back to the end of the last period made ahead', () => {
    const window = eventWindow(new Date('2026-11-30T06:30:00Z'), { retentionDays: 30, interval: 'day', partitionsAhead: 3 });
    expect(window.from.toISOString()).toBe('2026-10-31T06:30:00.000Z');
    expect(window.to.toISOString()).toBe('2026-12-04T00:00:00.000Z');
  });
});
