import { describe, expect, it } from 'vitest';
import type { LagProbe, NodePosition } from './lag-probe.js';
import { LagMonitor, type PrimaryChange } from './lag-monitor.js';

/** A scripted server: the test sets positions and failures, the monitor reads them. */
type ReplayState = Pick<NodePosition, 'replayLsn' | 'receiveLsn' | 'replayAgeMs' | 'paused'>;

class FakeProbe implements LagProbe {
  lsn = 1000n;
  /** `primary` takes writes at `lsn`; `fenced` is a primary made read-only; `replica` replays `replay`. */
  constructor(public role: 'primary' | 'replica' | 'fenced' = 'replica') {}
  replay: ReplayState = { replayLsn: 1000n, receiveLsn: 1000n, replayAgeMs: 60_000, paused: false };
  failure?: Error;
  closed = false;
  async position(): Promise<NodePosition> {
    if (this.failure) throw this.failure;
    if (this.role === 'replica') return { inRecovery: true, writable: false, currentLsn: null, ...this.replay };
    return {
      inRecovery: false,
      writable: this.role === 'primary',
      currentLsn: this.lsn,
      replayLsn: null,
      receiveLsn: null,
      replayAgeMs: null,
      paused: false,
    };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function setup(maxLagMs = 100, onPrimaryChange?: (change: PrimaryChange) => void) {
  let time = 10_000;
  const primary = new FakeProbe('primary');
  const r1 = new FakeProbe();
  const r2 = new FakeProbe();
  const errors: string[] = [];
  const monitor = new LagMonitor({
    primary: { label: 'p', probe: primary },
    replicas: [
      { label: 'r1', probe: r1 },
      { label: 'r2', probe: r2 },
    ],
    intervalMs: 200,
    maxLagMs,
    now: () => time,
    onPollError: (label) => errors.push(label),
    ...(onPrimaryChange ? { onPrimaryChange } : {}),
  });
  return { monitor, primary, r1, r2, errors, advance: (ms: number) => (time += ms) };
}

describe('LagMonitor', () => {
  it('keeps no replica in rotation before its first poll', () => {
    const { monitor } = setup();
    expect(monitor.isWithinLag('r1')).toBe(false);
  });

  it('reports an idle replica that replayed the primary position as lag 0, however old its last transaction', async () => {
    const { monitor } = setup();
    await monitor.pollOnce();
    expect(monitor.replicaLag('r1')).toMatchObject({ lagMs: 0, lagBytes: 0, withinBound: true, reachable: true });
    expect(monitor.isWithinLag('r1')).toBe(true);
  });

  it('takes a replica behind the primary out of rotation and brings it back once it catches up', async () => {
    const { monitor, primary, r1, advance } = setup();
    await monitor.pollOnce();
    // The replica stops replaying at 1000 while the primary moves on.
    r1.replay = { ...r1.replay, paused: true, replayAgeMs: 500 };
    primary.lsn = 5000n;
    advance(200);
    await monitor.pollOnce();
    // It has replayed the sample taken 200 ms ago, so it is at most 200 ms stale: over the 100 ms bound.
    expect(monitor.replicaLag('r1')).toMatchObject({ lagBytes: 4000, lagMs: 200, paused: true, withinBound: false });
    expect(monitor.isWithinLag('r1')).toBe(false);
    expect(monitor.isWithinLag('r2')).toBe(false);

    r1.replay = { replayLsn: 5000n, receiveLsn: 5000n, replayAgeMs: 1, paused: false };
    advance(200);
    await monitor.pollOnce();
    expect(monitor.isWithinLag('r1')).toBe(true);
  });

  it('uses the replay timestamp when it is the tighter bound', async () => {
    const { monitor, primary, r1, advance } = setup();
    await monitor.pollOnce();
    primary.lsn = 2000n;
    r1.replay = { ...r1.replay, replayLsn: 1500n, replayAgeMs: 30 };
    advance(200);
    await monitor.pollOnce();
    expect(monitor.replicaLag('r1')).toMatchObject({ lagMs: 30, lagBytes: 500, withinBound: true });
  });

  it('marks an unreachable replica out of rotation, keeps its last replay position, and never throws', async () => {
    const { monitor, r1, errors } = setup();
    await monitor.pollOnce();
    r1.failure = new Error('connect ECONNREFUSED');
    await expect(monitor.pollOnce()).resolves.toBeUndefined();
    expect(monitor.replicaLag('r1')).toMatchObject({ reachable: false, withinBound: false, replayLsn: 1000n });
    expect(errors).toEqual(['r1']);
  });

  it('while the primary is down, measures replicas against what they received so reads can continue', async () => {
    const { monitor, primary, r1, r2 } = setup();
    primary.failure = new Error('connect ECONNREFUSED');
    r1.replay = { replayLsn: 900n, receiveLsn: 900n, replayAgeMs: 90_000, paused: false };
    r2.replay = { replayLsn: 800n, receiveLsn: 900n, replayAgeMs: 90_000, paused: true };
    await monitor.pollOnce();
    expect(monitor.isWithinLag('r1')).toBe(true);
    expect(monitor.replicaLag('r2')).toMatchObject({ lagBytes: 100, withinBound: false });
  });

  it('never reads from a server that is not in recovery, and keeps a primary that still takes writes', async () => {
    const { monitor, r1 } = setup();
    r1.role = 'primary';
    await monitor.pollOnce();
    expect(monitor.isWithinLag('r1')).toBe(false);
    expect(monitor.primary).toBe('p');
  });

  it('follows the primary to a promoted replica once the old one is unreachable, and measures lag against the new one', async () => {
    const changes: unknown[] = [];
    const { monitor, primary, r1, r2 } = setup(100, (change) => changes.push(change));
    await monitor.pollOnce();
    primary.failure = new Error('connect ECONNREFUSED');
    await monitor.pollOnce();
    expect(monitor.primary).toBe('p');
    r1.role = 'primary';
    r1.lsn = 2000n;
    await monitor.pollOnce();
    expect(monitor.primary).toBe('r1');
    expect(changes).toEqual([{ from: 'p', to: 'r1', reason: 'unreachable' }]);
    r2.replay = { replayLsn: 1500n, receiveLsn: 1500n, replayAgeMs: 60_000, paused: false };
    await monitor.pollOnce();
    expect(monitor.replicaLag('r2')).toMatchObject({ lagBytes: 500 });
    expect(monitor.replicaLags().map((lag) => lag.label)).toEqual(['r2', 'p']);
    expect(monitor.primaryLsnObservedAfter(0)).toBe(2000n);
  });

  it('moves away from a primary fenced read-only, and the fenced node never serves reads', async () => {
    const changes: unknown[] = [];
    const { monitor, primary, r2 } = setup(100, (change) => changes.push(change));
    primary.role = 'fenced';
    r2.role = 'primary';
    await monitor.pollOnce();
    expect(changes).toEqual([{ from: 'p', to: 'r2', reason: 'read-only' }]);
    await monitor.pollOnce();
    expect(monitor.isWithinLag('p')).toBe(false);
  });

  it('refresh() waits for the round in progress, then runs one that sees a change made meanwhile', async () => {
    const { monitor, primary, r1 } = setup();
    const inProgress = monitor.pollOnce();
    primary.failure = new Error('connect ECONNREFUSED');
    r1.role = 'primary';
    const refreshed = monitor.refresh();
    await inProgress;
    await refreshed;
    expect(monitor.primary).toBe('r1');
  });

  it('changes nothing while two other nodes both take writes: it cannot tell which one is the primary', async () => {
    const { monitor, primary, r1, r2 } = setup();
    primary.failure = new Error('connect ECONNREFUSED');
    r1.role = 'primary';
    r2.role = 'primary';
    await monitor.pollOnce();
    expect(monitor.primary).toBe('p');
  });

  it('stops vouching for a replica whose last good sample is too old', async () => {
    const { monitor, advance } = setup();
    await monitor.pollOnce();
    advance(1_001);
    expect(monitor.isWithinLag('r1')).toBe(false);
  });

  it('answers read-your-writes with the first primary position sampled after a write', async () => {
    const { monitor, primary, advance } = setup();
    await monitor.pollOnce(); // sample at t=10000, lsn 1000
    const writeFinishedAt = 10_050;
    expect(monitor.primaryLsnObservedAfter(writeFinishedAt)).toBeUndefined();
    advance(100);
    primary.lsn = 1200n;
    await monitor.pollOnce(); // sample at t=10100, lsn 1200
    advance(100);
    primary.lsn = 1300n;
    await monitor.pollOnce();
    expect(monitor.primaryLsnObservedAfter(writeFinishedAt)).toBe(1200n);
    expect(monitor.primaryLsnObservedAfter(0)).toBe(1000n);
  });

  it('runs rounds on its own timer until stopped, then closes the probes', async () => {
    const { primary, r1, r2 } = setup();
    const monitor = new LagMonitor({
      primary: { label: 'p', probe: primary },
      replicas: [
        { label: 'r1', probe: r1 },
        { label: 'r2', probe: r2 },
      ],
      intervalMs: 5,
      maxLagMs: 100,
    });
    monitor.start();
    await monitor.afterRounds(3);
    expect(monitor.isWithinLag('r1')).toBe(true);
    await monitor.stop();
    expect([primary.closed, r1.closed, r2.closed]).toEqual([true, true, true]);
  });

  it('tells every observer added with observe, until it is removed, and carries on past one that throws', async () => {
    const { monitor, primary, r1 } = setup();
    const seen: string[] = [];
    monitor.observe({
      onPollSuccess: () => {
        throw new Error('a broken observer');
      },
    });
    const stop = monitor.observe({
      onReplicaLag: (lag) => seen.push(`lag ${lag.label}`),
      onPollError: (label) => seen.push(`error ${label}`),
      onPrimaryChange: (change) => seen.push(`primary ${change.to}`),
    });
    r1.failure = new Error('refused');
    await monitor.pollOnce();
    expect(seen).toEqual(['error r1', 'lag r1', 'lag r2']);

    stop();
    primary.role = 'fenced';
    r1.failure = undefined;
    r1.role = 'primary';
    await monitor.pollOnce();
    expect(monitor.primary).toBe('r1');
    expect(seen).toHaveLength(3);
  });
});
