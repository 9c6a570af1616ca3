import { describe, expect, it } from 'vitest';
import type { DataNode } from '@neo/topology';
import { SharedLagMonitors, serverLabel } from './shared-lag-monitors.js';

function node(name: string, database: string, port: number): DataNode {
  return {
    cluster: 'core',
    node: name,
    role: name.endsWith('primary') ? 'primary' : 'replica',
    host: '127.0.0.1',
    port,
    database,
    user: 'neo_storage',
    password: 'secret',
    pool: { max: 4, min: 0, idleTimeoutMs: 10_000, connectionTimeoutMs: 1_000 },
    weight: 1,
  } as DataNode;
}

const reads = { lagPollIntervalMs: 100, maxLagMs: 200 };
const shard = (database: string) => ({ primary: node('core-primary', database, 5501), replicas: [node('core-replica', database, 5502)] });

describe('SharedLagMonitors', () => {
  it('gives the databases of the same servers one monitor, labelled by server', async () => {
    const monitors = new SharedLagMonitors();
    const a = shard('neo_storage_2025');
    const b = shard('neo_storage_2026');
    const first = monitors.acquire(a.primary, a.replicas, reads, 1_000);
    const second = monitors.acquire(b.primary, b.replicas, reads, 1_000);
    expect(second.monitor).toBe(first.monitor);
    expect(first.monitor.primary).toBe('core/core-primary');
    expect(first.monitor.replicaLags().map((lag) => lag.label)).toEqual(['core/core-replica']);
    expect(serverLabel(a.replicas[0]!)).toBe('core/core-replica');
    await first.release();
    await second.release();
  });

  it('gives other servers, or other poll settings, a monitor of their own', async () => {
    const monitors = new SharedLagMonitors();
    const a = shard('neo_storage');
    const first = monitors.acquire(a.primary, a.replicas, reads, 1_000);
    const otherPort = monitors.acquire(a.primary, [{ ...a.replicas[0]!, port: 5503 }], reads, 1_000);
    const otherBound = monitors.acquire(a.primary, a.replicas, { ...reads, maxLagMs: 50 }, 1_000);
    const primaryAlone = monitors.acquire(a.primary, [], reads, 1_000);
    const all = [first, otherPort, otherBound, primaryAlone];
    expect(new Set(all.map((lease) => lease.monitor)).size).toBe(4);
    await Promise.all(all.map((lease) => lease.release()));
  });

  it('stops a monitor when its last user releases it (twice counts once), and makes a new one after', async () => {
    const monitors = new SharedLagMonitors();
    const a = shard('neo_storage');
    const first = monitors.acquire(a.primary, a.replicas, reads, 1_000);
    const second = monitors.acquire(a.primary, a.replicas, reads, 1_000);
    await first.release();
    await first.release();
    // Still used by the second: a stopped monitor would resolve at once without a round.
    const round = first.monitor.afterRounds(1);
    const outcome = await Promise.race([round.then(() => 'resolved'), new Promise((resolve) => setTimeout(resolve, 50, 'pending'))]);
    expect(outcome).toBe('pending');
    await second.release();
    await round;
    const third = monitors.acquire(a.primary, a.replicas, reads, 1_000);
    expect(third.monitor).not.toBe(first.monitor);
    await third.release();
  });
});
