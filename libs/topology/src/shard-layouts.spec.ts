import { describe, expect, it } from 'vitest';
import { loadTopology } from './load-topology.js';
import { allLayoutShards, layoutSharding } from './shard-layouts.js';
import { TopologyError, type TopologyProblem } from './topology.error.js';
import type { TopologyInput } from './topology.schema.js';

const modulo = (prefix: string, count: number, extra: Record<string, unknown> = {}) =>
  Array.from({ length: count }, (_, remainder) => ({
    name: `${prefix}_${remainder}`,
    database: `neo_${prefix}_${remainder}`,
    remainder,
    ...extra,
  }));

function topology(next: Record<string, unknown> | undefined): TopologyInput {
  return {
    version: 1,
    clusters: {
      blockchain: { temperature: 'hot', credentials: { user: 'neo_bc' }, primary: { name: 'bc-primary' } },
      second: { temperature: 'hot', credentials: { user: 'neo_bc2' }, primary: { name: 'bc2-primary' } },
      monolith: { temperature: 'warm', credentials: { user: 'neo_user' }, primary: { name: 'monolith-primary' } },
    },
    services: {
      smartcontracts: {
        cluster: 'blockchain',
        database: 'neo_sc',
        sharding: {
          strategy: 'modulo',
          key: 'userId',
          models: ['Transaction'],
          shards: modulo('sc', 4),
          ...(next ? { next } : {}),
        } as never,
      },
    },
    monolith: { cluster: 'monolith' },
  };
}

function problemsOf(input: TopologyInput): TopologyProblem[] {
  try {
    loadTopology({ object: input }, { env: {} });
    return [];
  } catch (error) {
    if (!(error instanceof TopologyError)) throw error;
    return [...error.problems];
  }
}

describe('sharding.next: the layout a reshard moves to', () => {
  it('accepts 4 → 8 shards on another cluster, keeps key and models, and lists both layouts', () => {
    const loaded = loadTopology({ object: topology({ modulus: 8, shards: modulo('sc8', 8, { cluster: 'second' }) }) }, { env: {} });
    const sharding = loaded.services['smartcontracts']!.sharding!;
    const next = layoutSharding(sharding, 'next');
    expect(next).toMatchObject({ strategy: 'modulo', key: 'userId', models: ['Transaction'], modulus: 8 });
    expect(next.shards).toHaveLength(8);
    expect(sharding.next!.keepOldLayoutDays).toBe(7);
    expect(allLayoutShards(loaded.services['smartcontracts']!).map((shard) => shard.name)).toEqual([
      ...modulo('sc', 4).map((shard) => shard.name),
      ...modulo('sc8', 8).map((shard) => shard.name),
    ]);
  });

  it('refuses a next layout that reuses a current database or shard name, an unknown cluster, or leaves keys without a shard', () => {
    const reused = problemsOf(topology({ shards: [{ name: 'sc_0', database: 'neo_sc_0', remainder: 0 }, ...modulo('n', 3).slice(1)] }));
    expect(reused.map((problem) => problem.path)).toEqual(
      expect.arrayContaining([
        'services.smartcontracts.sharding.next.shards[0].database',
        'services.smartcontracts.sharding.next.shards[0].name',
      ]),
    );
    expect(reused.find((problem) => problem.path.endsWith('next.shards[0].database'))?.problem).toMatch(
      /already used on cluster "blockchain"/,
    );

    const nowhere = problemsOf(topology({ shards: modulo('n', 4, { cluster: 'gone' }) }));
    expect(nowhere[0]).toMatchObject({ path: 'services.smartcontracts.sharding.next.shards[0].cluster' });
    expect(nowhere[0]!.problem).toMatch(/"gone" is not declared/);

    const gap = problemsOf(topology({ modulus: 8, shards: modulo('n', 7) }));
    expect(gap.some((problem) => problem.path.startsWith('services.smartcontracts.sharding.next'))).toBe(true);
  });
});
