// Small helpers every bench shares: medians of runs, percentiles of latencies, number formatting.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** The value, or an error saying what was missing: for look-ups a bench's own set-up guarantees. */
export function present<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`Bench set-up: ${what} is missing.`);
  return value;
}

/** The value at `rank` (0-based) of the values sorted in ascending order. */
const ranked = (values: number[], rank: number) =>
  present(
    [...values].sort((a, b) => a - b)[rank],
    values.length === 0 ? 'a figure (no values were measured)' : `value ${rank} of ${values.length}`,
  );

/** The median of the values (the upper one of an even count). */
export const median = (values: number[]) => ranked(values, Math.floor(values.length / 2));

/** The p-th percentile (0–100) of the values, nearest rank. */
export const percentile = (values: number[], p: number) =>
  ranked(values, Math.min(values.length - 1, Math.floor((values.length * p) / 100)));

/** Each run's value divided by the baseline of the same run (both lists in run order). */
export const ratiosByRun = (values: number[], baselines: number[]) =>
  values.map((value, run) => value / present(baselines[run], `the baseline of run ${run + 1}`));

/** A number with thousands separators and `digits` decimals. */
export const fmt = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The machine's 1, 5 and 15 minute load averages, for the record beside a run's figures. */
export const loadAverage = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/**
 * CPU time the whole machine has spent busy so far, in µs (Linux `/proc/stat`: user, nice, system,
 * irq and softirq of every core), or `undefined` where there is no `/proc/stat`. Minus this
 * process's `process.cpuUsage()` over the same span, it is what the servers (and anything else
 * running) spent.
 */
export function machineBusyMicros(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  // /proc/stat counts in clock ticks (USER_HZ), 100 per second on Linux.
  return ((user + nice + system + irq + softirq) * 1_000_000) / 100;
}
