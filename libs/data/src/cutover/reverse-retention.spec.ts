import { describe, expect, it } from 'vitest';
import { checkRetention, DEFAULT_REVERSE_RETENTION_DAYS } from './reverse-retention.js';

const DAY_MS = 86_400_000;

describe('the retention of the reverse replication before finish', () => {
  it('counts the days left, rounded up, until the retention is over', () => {
    expect(checkRetention(0, 30)).toEqual({ elapsedDays: 0, daysLeft: 30, over: false });
    expect(checkRetention(2.5 * DAY_MS, 30)).toEqual({ elapsedDays: 2.5, daysLeft: 28, over: false });
    expect(checkRetention(30 * DAY_MS - 1, 30)).toMatchObject({ daysLeft: 1, over: false });
  });

  it('is over on the day the retention ends and after', () => {
    expect(checkRetention(30 * DAY_MS, 30)).toEqual({ elapsedDays: 30, daysLeft: 0, over: true });
    expect(checkRetention(45 * DAY_MS, 30)).toMatchObject({ daysLeft: 0, over: true });
    expect(checkRetention(0, 0)).toMatchObject({ daysLeft: 0, over: true });
  });

  it('treats a moment in the future (clocks apart) as now', () => {
    expect(checkRetention(-5_000, 1)).toEqual({ elapsedDays: 0, daysLeft: 1, over: false });
  });

  it('refuses a retention that is not a whole number of days', () => {
    expect(() => checkRetention(0, -1)).toThrow('whole number of days, 0 or more (got -1)');
    expect(() => checkRetention(0, 1.5)).toThrow('(got 1.5)');
  });

  it('defaults to the 30 days of the strategy document', () => {
    expect(DEFAULT_REVERSE_RETENTION_DAYS).toBe(30);
  });
});
