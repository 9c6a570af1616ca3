import { CronExpressionParser } from 'cron-parser';

/** The first instant of `schedule` (UTC) strictly after `after`; undefined for an expression cron-parser refuses. */
export function nextRun(schedule: string, after: Date): Date | undefined {
  // cron-parser reads an empty or short expression as "every minute": ask for all the fields.
  const fields = schedule.trim().split(/\s+/);
  if (schedule.trim() === '' || fields.length < 5 || fields.length > 6) return undefined;
  try {
    return CronExpressionParser.parse(schedule, { currentDate: after, tz: 'UTC', strict: false }).next().toDate();
  } catch {
    return undefined;
  }
}
