import { describe, expect, it } from 'vitest';
import { nextRun } from './cron-schedule.js';

describe('nextRun', () => {
  it('gives the next instant of 5- and 6-field expressions, in UTC', () => {
    expect(nextRun('*/5 * * * *', new Date('2026-01-01T00:01:00Z'))?.toISOString()).toBe('2026-01-01T00:05:00.000Z');
    expect(nextRun('0 3 * * *', new Date('2026-01-01T03:00:00Z'))?.toISOString()).toBe('2026-01-02T03:00:00.000Z');
    expect(nextRun('*/2 * * * * *', new Date('2026-01-01T00:00:01Z'))?.toISOString()).toBe('2026-01-01T00:00:02.000Z');
  });

  it.each(['', 'every minute', '61 * * * *', '* * * * * * * *'])('refuses %j', (schedule) => {
    expect(nextRun(schedule, new Date())).toBeUndefined();
  });
});
