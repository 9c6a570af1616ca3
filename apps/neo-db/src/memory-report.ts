import { join } from 'node:path';
import type { RunningTopology } from '@neo/topology-runtime';
import { readCpuTicks, readPostmasterPid, readRssKiB } from './process-memory.js';
import type { RunningService } from './service-process.js';

export interface MemoryRow {
  kind: 'service' | 'server';
  name: string;
  pid: number;
  rssKiB: number;
  /** Services: how long it took to become healthy. */
  readyMs?: number;
  /** Services: the CPU time used so far (starting is most of it), in seconds. */
  cpuSeconds?: number;
}

/** Linux counts CPU time in ticks of 1/100 s (USER_HZ) on every architecture Node.js runs on. */
const TICKS_PER_SECOND = 100;

/**
 * The resident memory of what `neo-db up` runs: each service's Node.js process and each embedded
 * server's postmaster (its backends share its buffers, so their RSS is not added). Servers run
 * elsewhere (external, containers) have no pid here and are left out.
 */
export function measureMemory(running: RunningTopology, services: readonly RunningService[]): MemoryRow[] {
  const rows: MemoryRow[] = [];
  for (const s of services) {
    const rssKiB = readRssKiB(s.pid);
    const ticks = readCpuTicks(s.pid);
    if (rssKiB !== undefined) {
      rows.push({
        kind: 'service',
        name: s.service.app,
        pid: s.pid,
        rssKiB,
        readyMs: s.readyMs,
        ...(ticks !== undefined ? { cpuSeconds: ticks / TICKS_PER_SECOND } : {}),
      });
    }
  }
  if (running.provider === 'embedded' && running.dataDir) {
    for (const [clusterName, cluster] of Object.entries(running.topology.clusters)) {
      for (const node of [cluster.primary, ...cluster.replicas]) {
        const pid = readPostmasterPid(join(running.dataDir, clusterName, node.name));
        const rssKiB = pid !== undefined ? readRssKiB(pid) : undefined;
        if (pid !== undefined && rssKiB !== undefined) rows.push({ kind: 'server', name: `${clusterName}/${node.name}`, pid, rssKiB });
      }
    }
  }
  return rows;
}

export function formatMemory(rows: readonly MemoryRow[]): string[] {
  const mib = (kib: number): string => `${(kib / 1024).toFixed(0).padStart(5)} MiB`;
  const total = (kind: MemoryRow['kind']): number => rows.filter((r) => r.kind === kind).reduce((sum, r) => sum + r.rssKiB, 0);
  const lines = ['memory (RSS, from /proc/<pid>/status VmRSS):'];
  for (const row of rows) {
    const cpu = row.cpuSeconds !== undefined ? `, ${row.cpuSeconds.toFixed(1)} s CPU` : '';
    const ready = row.readyMs !== undefined ? `  (healthy after ${(row.readyMs / 1000).toFixed(1)} s${cpu})` : '';
    lines.push(`  ${row.kind.padEnd(7)} ${row.name.padEnd(32)} pid ${String(row.pid).padEnd(7)} ${mib(row.rssKiB)}${ready}`);
  }
  lines.push(
    `  total: services ${mib(total('service')).trim()}, servers (postmasters) ${mib(total('server')).trim()}, all ${mib(total('service') + total('server')).trim()}`,
  );
  return lines;
}
