import { describe, expect, it } from 'vitest';
import type { ReplicaCandidate } from './replica-picker.js';
import { LeastOutstandingPicker, RandomPicker, RoundRobinPicker, WeightedPicker, createReplicaPicker } from './replica-pickers.js';

const replica = (label: string, weight = 1, outstanding = 0): ReplicaCandidate => ({ label, weight, outstanding });

function shares(pick: () => ReplicaCandidate, times: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < times; i++) {
    const { label } = pick();
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

describe('replica pickers', () => {
  it('round-robin visits every replica in turn', () => {
    const picker = new RoundRobinPicker();
    const set = [replica('a'), replica('b'), replica('c')] as const;
    expect(Array.from({ length: 6 }, () => picker.pick(set).label)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('round-robin keeps going when the usable set shrinks', () => {
    const picker = new RoundRobinPicker();
    const labels = Array.from({ length: 4 }, () => picker.pick([replica('a'), replica('b')]).label);
    labels.push(picker.pick([replica('b')]).label);
    expect(labels).toEqual(['a', 'b', 'a', 'b', 'b']);
  });

  it('random follows the random source and stays in range', () => {
    const values = [0, 0.5, 0.999];
    const picker = new RandomPicker(() => values.shift()!);
    const set = [replica('a'), replica('b')] as const;
    expect([picker.pick(set).label, picker.pick(set).label, picker.pick(set).label]).toEqual(['a', 'b', 'b']);
  });

  it('random spreads reads roughly evenly', () => {
    const picker = new RandomPicker();
    const counts = shares(() => picker.pick([replica('a'), replica('b')]), 10_000);
    expect(counts['a']! / 10_000).toBeGreaterThan(0.45);
    expect(counts['a']! / 10_000).toBeLessThan(0.55);
  });

  it('weighted gives each replica its share of the total weight', () => {
    const picker = new WeightedPicker();
    const set = [replica('heavy', 3), replica('light', 1), replica('mid', 2)] as const;
    const counts = shares(() => picker.pick(set), 6_000);
    expect(counts).toEqual({ heavy: 3_000, light: 1_000, mid: 2_000 });
  });

  it('weighted interleaves instead of sending bursts to the heavy replica', () => {
    const picker = new WeightedPicker();
    const set = [replica('a', 2), replica('b', 1)] as const;
    expect(Array.from({ length: 6 }, () => picker.pick(set).label)).toEqual(['a', 'b', 'a', 'a', 'b', 'a']);
  });

  it('least-outstanding picks the least busy replica and rotates among ties', () => {
    const picker = new LeastOutstandingPicker();
    expect(picker.pick([replica('a', 1, 4), replica('b', 1, 1), replica('c', 1, 2)]).label).toBe('b');
    const idle = [replica('a'), replica('b')] as const;
    expect(new Set([picker.pick(idle).label, picker.pick(idle).label])).toEqual(new Set(['a', 'b']));
  });

  it('creates the picker a topology policy names', () => {
    expect(createReplicaPicker('round-robin')).toBeInstanceOf(RoundRobinPicker);
    expect(createReplicaPicker('random')).toBeInstanceOf(RandomPicker);
    expect(createReplicaPicker('weighted')).toBeInstanceOf(WeightedPicker);
    expect(createReplicaPicker('least-outstanding')).toBeInstanceOf(LeastOutstandingPicker);
  });
});
