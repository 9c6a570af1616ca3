import { describe, expect, it } from 'vitest';
import { loadTopology } from './load-topology.js';
import { TopologyError, type TopologyProblem } from './topology.error.js';
import type { TopologyInput } from './topology.schema.js';

type Shards = Array<Record<string, unknown>>;

function base(): TopologyInput {
  return {
    version: 1,
    clusters: {
      core: {
        temperature: 'hot',
        credentials: { user: 'neo_core_user' },
        primary: { name: 'core-primary' },
        replicas: [{ name: 'core-replica-1' }],
      },
      monolith: { temperature: 'warm', credentials: { user: 'neo_user' }, primary: { name: 'monolith-primary' } },
    },
    services: { storage: { cluster: 'core', database: 'neo_storage' } },
    monolith: { cluster: 'monolith' },
  };
}

function withSharding(strategy: 'range' | 'modulo' | 'hash', shards: Shards, extra: Record<string, unknown> = {}): TopologyInput {
  const t = base();
  t.services['storage'] = {
    cluster: 'core',
    database: 'neo_storage',
    sharding: { strategy, key: 'k', models: ['M'], shards, ...extra } as never,
  };
  return t;
}

/** The problems the loader reports for an object topology ([] when it is accepted). */
function problemsOf(topology: unknown): TopologyProblem[] {
  try {
    loadTopology({ object: topology }, { env: {} });
    return [];
  } catch (error) {
    if (!(error instanceof TopologyError)) throw error;
    expect(error.code).toBe('TOPOLOGY_INVALID');
    return [...error.problems];
  }
}

const rangeShard = (name: string, from: string | number, to?: string | number): Record<string, unknown> => ({
  name,
  database: name,
  range: to === undefined ? { from } : { from, to },
});

describe('references between blocks', () => {
  it('accepts the base topology', () => {
    expect(problemsOf(base())).toEqual([]);
  });

  it('refuses an undeclared monolith cluster and shard cluster', () => {
    const t = withSharding('range', [{ ...rangeShard('s1', 1, 10), cluster: 'elsewhere' }]);
    t.monolith.cluster = 'gone';
    expect(problemsOf(t).map((p) => [p.path, p.problem])).toEqual([
      ['monolith.cluster', 'cluster "gone" is not declared'],
      ['services.storage.sharding.shards[0].cluster', 'cluster "elsewhere" is not declared'],
    ]);
  });

  it('refuses a node name used twice in one cluster', () => {
    const t = base();
    t.clusters['core']!.replicas = [{ name: 'core-replica-1' }, { name: 'core-replica-1' }];
    expect(problemsOf(t)).toEqual([
      expect.objectContaining({
        path: 'clusters.core.replicas[1].name',
        problem: 'node name "core-replica-1" is used twice in cluster "core"',
      }),
    ]);
  });

  it('refuses a port without a host', () => {
    const t = base();
    t.clusters['core']!.primary = { name: 'core-primary', port: 5433 };
    expect(problemsOf(t)).toEqual([expect.objectContaining({ path: 'clusters.core.primary.host' })]);
  });

  it('refuses one database name used twice on a cluster, shard databases and the monolith included', () => {
    const t = withSharding('range', [rangeShard('neo_storage', 1)]);
    t.services['keymanagement'] = { cluster: 'monolith', database: 'neo_service_layer' };
    expect(problemsOf(t).map((p) => p.path)).toEqual(['services.storage.sharding.shards[0].database', 'services.keymanagement.database']);
  });

  it('allows the same database name on different clusters', () => {
    const t = base();
    t.services['keymanagement'] = { cluster: 'monolith', database: 'neo_storage' };
    expect(problemsOf(t)).toEqual([]);
  });

  it('refuses two services sharing a monolith schema', () => {
    const t = base();
    t.services['keymanagement'] = { cluster: 'core', database: 'neo_keymanagement', monolithSchema: 'storage' };
    expect(problemsOf(t)).toEqual([expect.objectContaining({ path: 'services.keymanagement.monolithSchema' })]);
  });
});

describe('range sharding', () => {
  it('accepts adjacent ranges in any order, the latest open-ended, and leaves gaps to the router', () => {
    expect(
      problemsOf(
        withSharding('range', [
          rangeShard('y2026', '2026-01-01'),
          rangeShard('y2024', '2024-01-01', '2025-01-01'),
          rangeShard('y2025', '2025-01-01', '2026-01-01'),
        ]),
      ),
    ).toEqual([]);
    expect(problemsOf(withSharding('range', [rangeShard('a', 0, 100), rangeShard('b', 200, 300)]))).toEqual([]);
  });

  it('refuses overlapping ranges, naming the shard overlapped', () => {
    const problems = problemsOf(
      withSharding('range', [rangeShard('y2024', '2024-01-01', '2025-01-02'), rangeShard('y2025', '2025-01-01', '2026-01-01')]),
    );
    expect(problems).toEqual([
      expect.objectContaining({ path: 'services.storage.sharding.shards[1].range', problem: 'overlaps the range of shard "y2024"' }),
    ]);
  });

  it('refuses an open-ended range that is not the latest', () => {
    const problems = problemsOf(withSharding('range', [rangeShard('a', 0), rangeShard('b', 100, 200)]));
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'services.storage.sharding.shards[0].range.to',
        problem: 'is open-ended but another shard starts later',
      }),
    ]);
  });

  it('refuses a range that ends before it starts, mixed bounds, and bounds that are not dates', () => {
    expect(problemsOf(withSharding('range', [rangeShard('a', 10, 10)]))[0]).toMatchObject({ problem: '"to" is not after "from"' });
    expect(problemsOf(withSharding('range', [rangeShard('a', '2024-01-01', 5)]))[0]).toMatchObject({
      problem: 'mixes a date and a number',
    });
    expect(problemsOf(withSharding('range', [rangeShard('a', 'yesterday')]))[0]).toMatchObject({
      path: 'services.storage.sharding.shards[0].range.from',
    });
    expect(problemsOf(withSharding('range', [rangeShard('a', 0, 10), rangeShard('b', '2024-01-01')]))[0]).toMatchObject({
      problem: 'mixes date ranges and number ranges',
    });
  });

  it("refuses a range shard without a range, or with another strategy's field", () => {
    const problems = problemsOf(withSharding('range', [{ name: 'a', database: 'a', remainder: 0 }]));
    expect(problems.map((p) => [p.path, p.problem])).toEqual([
      ['services.storage.sharding.shards[0].range', 'is required by the range strategy'],
      ['services.storage.sharding.shards[0].remainder', 'is only used by the modulo strategy'],
    ]);
  });
});

describe('modulo sharding', () => {
  const moduloShards = (...remainders: number[]): Shards => remainders.map((r, i) => ({ name: `s${i}`, database: `s${i}`, remainder: r }));

  it('accepts remainders 0..n-1 in any order, modulus defaulting to the shard count', () => {
    expect(problemsOf(withSharding('modulo', moduloShards(2, 0, 3, 1)))).toEqual([]);
    expect(problemsOf(withSharding('modulo', moduloShards(0, 1), { modulus: 2 }))).toEqual([]);
  });

  it('refuses a gap', () => {
    const problems = problemsOf(withSharding('modulo', moduloShards(0, 1, 3), { modulus: 4 }));
    expect(problems).toEqual([
      expect.objectContaining({ path: 'services.storage.sharding.shards', problem: 'no shard serves remainder 2 of modulus 4' }),
    ]);
  });

  it('refuses a remainder out of range and a repeated remainder', () => {
    expect(problemsOf(withSharding('modulo', moduloShards(0, 1, 3)))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'services.storage.sharding.shards[2].remainder', problem: 'is 3, not below the modulus 3' }),
      ]),
    );
    expect(problemsOf(withSharding('modulo', moduloShards(0, 0)))).toEqual([
      expect.objectContaining({ path: 'services.storage.sharding.shards[1].remainder', problem: '0 is already served by shard "s0"' }),
      expect.objectContaining({ problem: 'no shard serves remainder 1 of modulus 2' }),
    ]);
  });

  it('refuses a modulus on another strategy', () => {
    expect(problemsOf(withSharding('range', [rangeShard('a', 0)], { modulus: 2 }))).toEqual([
      expect.objectContaining({ path: 'services.storage.sharding.modulus' }),
    ]);
  });
});

describe('hash sharding', () => {
  const hashShards = (...ranges: string[]): Shards => ranges.map((keyRange, i) => ({ name: `h${i}`, database: `h${i}`, keyRange }));

  it('accepts key ranges that tile the key space, in any order and width', () => {
    expect(problemsOf(withSharding('hash', hashShards('-')))).toEqual([]);
    expect(problemsOf(withSharding('hash', hashShards('80-', '-40', '4000-80')))).toEqual([]);
  });

  it('refuses a gap, an overlap, and uncovered ends', () => {
    expect(problemsOf(withSharding('hash', hashShards('-40', '80-')))).toEqual([
      expect.objectContaining({
        path: 'services.storage.sharding.shards[1].keyRange',
        problem: 'leaves a gap after the key range of shard "h0"',
      }),
    ]);
    expect(problemsOf(withSharding('hash', hashShards('-80', '40-')))).toEqual([
      expect.objectContaining({ problem: 'overlaps the key range of shard "h0"' }),
    ]);
    expect(problemsOf(withSharding('hash', hashShards('10-80', '80-')))).toEqual([
      expect.objectContaining({ problem: 'no shard covers the start of the key space' }),
    ]);
    expect(problemsOf(withSharding('hash', hashShards('-80', '80-c0')))).toEqual([
      expect.objectContaining({ problem: 'no shard covers the end of the key space' }),
    ]);
    expect(problemsOf(withSharding('hash', hashShards('-', '80-')))).toEqual([
      expect.objectContaining({
        path: 'services.storage.sharding.shards[0].keyRange',
        problem: 'runs to the end of the key space, overlapping shard "h1"',
      }),
    ]);
  });

  it('refuses a key range that ends before it starts, or is not hex', () => {
    expect(problemsOf(withSharding('hash', hashShards('-', 'c0-40')))[0]).toMatchObject({ problem: 'ends before it starts' });
    expect(problemsOf(withSharding('hash', hashShards('-zz', 'zz-')))[0]).toMatchObject({
      path: 'services.storage.sharding.shards[0].keyRange',
      hint: expect.stringContaining('"-80"'),
    });
  });
});

describe('model lists', () => {
  it('refuses a single-shard model on an undeclared shard and a model both sharded and reference', () => {
    const problems = problemsOf(withSharding('range', [rangeShard('a', 0)], { singleModels: { Setting: 'nope' }, referenceModels: ['M'] }));
    expect(problems.map((p) => p.path)).toEqual([
      'services.storage.sharding.singleModels.Setting',
      'services.storage.sharding.referenceModels',
    ]);
  });
});
