import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What Linux's /proc tells about a running process. Every reader returns `undefined` where /proc
 * has no answer (another OS, a process gone), never throws: these figures are informative.
 */

/** Resident memory of a process, in KiB (`VmRSS` in /proc/<pid>/status). */
export function readRssKiB(pid: number): number | undefined {
  const status = readProc(`/proc/${pid}/status`);
  const match = status ? /^VmRSS:\s+(\d+)\s+kB$/m.exec(status) : null;
  return match ? Number(match[1]) : undefined;
}

/** CPU time a process has used so far (user + system), in clock ticks: it grows while the process works. */
export function readCpuTicks(pid: number): number | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

/** The postmaster's pid of a PostgreSQL data directory (the first line of its postmaster.pid). */
export function readPostmasterPid(dataDir: string): number | undefined {
  const pid = Number(readProc(join(dataDir, 'postmaster.pid'))?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
