import { describe, expect, it } from 'vitest';
import { NodeRoles } from './node-roles.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { RoundRobinPicker, WeightedPicker } from './replica-pickers.js';
import { ReplicaSelector, type FreshnessView } from './replica-selector.js';
import type { RoutableNode } from './routable-node.js';
import { SessionWrites } from './session-writes.js';

interface FakeNode extends RoutableNode {
  outstanding: number;
}

function node(label: string, role: 'primary' | 'replica', weight = 1): FakeNode {
  return { label, role, weight, outstanding: 0, breaker: new CircuitBreaker({ failureThreshold: 1, baseBackoffMs: 1_000 }) };
}

/** Freshness the test controls: which replicas are within the bound, their replay positions, and the primary samples. */
class FakeFreshness implements FreshnessView {
  within = new Set<string>(['r1', 'r2']);
  replay = new Map<string, bigint>([
    ['r1', 100n],
    ['r2', 100n],
  ]);
  samples: { startedAt: number; lsn: bigint }[] = [];
  isWithinLag(label: string): boolean {
    return this.within.has(label);
  }
  replayLsn(label: string): bigint | undefined {
    return this.replay.get(label);
  }
  primaryLsnObservedAfter(time: number): bigint | undefined {
    return this.samples.find((sample) => sample.startedAt > time)?.lsn;
  }
}

function setup(options: { replicas?: FakeNode[] } = {}) {
  let time = 0;
  const primary = node('p', 'primary');
  const replicas = options.replicas ?? [node('r1', 'replica'), node('r2', 'replica')];
  const freshness = new FakeFreshness();
  const sessions = new SessionWrites({ now: () => time });
  const selector = new ReplicaSelector(new NodeRoles([primary, ...replicas], primary), new RoundRobinPicker(), freshness, sessions);
  const read = (consistency: 'session' | 'fresh' | 'primary' | 'stale-ok' = 'session', session?: string) => {
    const route = selector.selectRead(consistency, session);
    return `${route.node.label}:${route.reason}`;
  };
  return { primary, replicas, freshness, sessions, selector, read, at: (ms: number) => (time = ms) };
}

describe('ReplicaSelector', () => {
  it('spreads reads over fresh, healthy replicas by policy', () => {
    const { read } = setup();
    expect([read(), read(), read()]).toEqual(['r1:replica', 'r2:replica', 'r1:replica']);
  });

  it('honours weights through the picker', () => {
    const primary = node('p', 'primary');
    const replicas = [node('r1', 'replica', 3), node('r2', 'replica', 1)];
    const selector = new ReplicaSelector(
      new NodeRoles([primary, ...replicas], primary),
      new WeightedPicker(),
      new FakeFreshness(),
      new SessionWrites(),
    );
    const counts = { r1: 0, r2: 0 } as Record<string, number>;
    for (let i = 0; i < 400; i++) counts[selector.selectRead('session', undefined).node.label]!++;
    expect(counts).toEqual({ r1: 300, r2: 100 });
  });

  it('sends fresh and primary reads to the primary', () => {
    const { read } = setup();
    expect(read('fresh')).toBe('p:forced_primary');
    expect(read('primary')).toBe('p:forced_primary');
  });

  it('falls back to the primary when there are no replicas', () => {
    const { read } = setup({ replicas: [] });
    expect(read()).toBe('p:no_replica');
  });

  it('skips a replica whose breaker is open, and uses the primary when all are open', () => {
    const { read, replicas } = setup();
    replicas[0]!.breaker.recordFailure();
    expect([read(), read()]).toEqual(['r2:replica', 'r2:replica']);
    replicas[1]!.breaker.recordFailure();
    expect(read()).toBe('p:breaker_open');
  });

  it('skips a lagging replica, uses the primary when all lag, but stale-ok still reads a replica', () => {
    const { read, freshness } = setup();
    freshness.within.delete('r1');
    expect([read(), read()]).toEqual(['r2:replica', 'r2:replica']);
    freshness.within.clear();
    expect(read()).toBe('p:lagging');
    expect(read('stale-ok')).toMatch(/^r[12]:replica$/);
  });

  it('excludes the node a retry is moving away from', () => {
    const { selector, replicas } = setup();
    expect(selector.selectRead('session', undefined, replicas[0]).node.label).toBe('r2');
  });

  describe('read-your-writes', () => {
    it('reads from the primary while the session writes, and until a poll that began after the write is replayed', () => {
      const { read, sessions, freshness, at } = setup();
      at(10);
      sessions.writeStarted('s');
      expect(read('session', 's')).toBe('p:read_your_writes');
      at(20);
      sessions.writeFinished('s');
      // Only a poll that began before the write finished: it may predate the commit.
      freshness.samples.push({ startedAt: 15, lsn: 150n });
      expect(read('session', 's')).toBe('p:read_your_writes');
      // A poll that began after: its position covers the commit; r2 has replayed it, r1 not yet.
      freshness.samples.push({ startedAt: 25, lsn: 200n });
      freshness.replay.set('r2', 200n);
      expect([read('session', 's'), read('session', 's')]).toEqual(['r2:replica', 'r2:replica']);
      freshness.replay.set('r1', 250n);
      expect(new Set([read('session', 's'), read('session', 's')])).toEqual(new Set(['r1:replica', 'r2:replica']));
    });

    it('does not hold back other sessions', () => {
      const { read, sessions } = setup();
      sessions.writeStarted('writer');
      expect(read('session', 'reader')).toMatch(/^r[12]:replica$/);
      expect(read('session', undefined)).toMatch(/^r[12]:replica$/);
    });

    it('lets stale-ok reads of a writing session go to replicas', () => {
      const { read, sessions } = setup();
      sessions.writeStarted('s');
      expect(read('stale-ok', 's')).toMatch(/^r[12]:replica$/);
    });
  });
});
