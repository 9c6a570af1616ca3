import { describe, expect, it } from 'vitest';
import { effectiveShards, lastRoutedYear, nextRolloverAt, serviceShards, withEffectiveShards } from './effective-shards.js';
import { loadTopology } from './load-topology.js';
import { TopologyError, type TopologyProblem } from './topology.error.js';
import type { Shard, Sharding, TopologyInput } from './topology.schema.js';

const ROLLOVER = { every: 'year' as const, aheadDays: 30, name: 'storage_{year}', database: 'neo_storage_{year}' };

function storageSharding(shards?: Shard[], rollover: Sharding['rollover'] | null = ROLLOVER): Sharding {
  return {
    strategy: 'range',
    key: 'createdDate',
    models: ['StorageObject'],
    referenceModels: [],
    singleModels: {},
    shards: shards ?? [
      { name: 'storage_2025', database: 'neo_storage_2025', range: { from: '2025-01-01', to: '2026-01-01' } },
      { name: 'storage_2026', database: 'neo_storage_2026', range: { from: '2026-01-01' } },
    ],
    ...(rollover ? { rollover } : {}),
  };
}

const at = (iso: string): Date => new Date(iso);
const layout = (shards: Shard[]) => shards.map((shard) => [shard.name, shard.database, shard.range?.from, shard.range?.to]);

describe('effectiveShards', () => {
  it('keeps the declared layout while next year is further away than aheadDays (Dec 1 with 30 days ahead)', () => {
    const sharding = storageSharding();
    expect(effectiveShards(sharding, at('2026-12-01T23:59:59.999Z'))).toBe(sharding.shards);
  });

  it("adds next year's shard from January 1 minus aheadDays (Dec 2, 00:00 UTC with 30 days ahead), open-ended after it", () => {
    expect(layout(effectiveShards(storageSharding(), at('2026-12-02T00:00:00Z')))).toEqual([
      ['storage_2025', 'neo_storage_2025', '2025-01-01', '2026-01-01'],
      ['storage_2026', 'neo_storage_2026', '2026-01-01', '2027-01-01'],
      ['storage_2027', 'neo_storage_2027', '2027-01-01', undefined],
    ]);
  });

  it('has the same layout on Dec 31 and on Jan 1 of next year', () => {
    const dec31 = effectiveShards(storageSharding(), at('2026-12-31T23:59:59Z'));
    expect(effectiveShards(storageSharding(), at('2027-01-01T00:00:00Z'))).toEqual(dec31);
    expect(dec31.at(-1)).toMatchObject({ name: 'storage_2027', range: { from: '2027-01-01' } });
  });

  it('counts the 29th of February: in a leap year 30 days before January 1 is December 2, and Dec 1 is not yet', () => {
    const leap = storageSharding([{ name: 'storage_2028', database: 'neo_storage_2028', range: { from: '2028-01-01' } }]);
    // 2028 is a leap year, yet December has 31 days either way: the window is counted in days, not dates.
    expect(effectiveShards(leap, at('2028-12-01T12:00:00Z'))).toBe(leap.shards);
    expect(effectiveShards(leap, at('2028-12-02T00:00:00Z')).at(-1)?.name).toBe('storage_2029');
    // A window reaching over February 29: 60 days before 2028-03-01 is 2027-12-31 (not 2028-01-01).
    expect(lastRoutedYear({ aheadDays: 60 }, at('2027-12-31T23:59:59Z'))).toBe(2028);
    // 365 days after January 1 is still the same year in a leap year, and already the next one otherwise.
    expect(lastRoutedYear({ aheadDays: 365 }, at('2028-01-01T00:00:00Z'))).toBe(2028);
    expect(lastRoutedYear({ aheadDays: 365 }, at('2027-01-01T00:00:00Z'))).toBe(2028);
  });

  it('makes every missing year when aheadDays reaches across a year, or the declared shards are years behind', () => {
    const wide = storageSharding(undefined, { ...ROLLOVER, aheadDays: 366 });
    expect(layout(effectiveShards(wide, at('2026-01-01T00:00:00Z')))).toEqual([
      ['storage_2025', 'neo_storage_2025', '2025-01-01', '2026-01-01'],
      ['storage_2026', 'neo_storage_2026', '2026-01-01', '2027-01-01'],
      ['storage_2027', 'neo_storage_2027', '2027-01-01', undefined],
    ]);
    const behind = effectiveShards(storageSharding(), at('2029-06-01T00:00:00Z'));
    expect(behind.map((shard) => shard.name)).toEqual(['storage_2025', 'storage_2026', 'storage_2027', 'storage_2028', 'storage_2029']);
    expect(behind.at(-1)?.range).toEqual({ from: '2029-01-01' });
    expect(behind.at(-2)?.range).toEqual({ from: '2028-01-01', to: '2029-01-01' });
  });

  it('lets an explicitly declared later shard take precedence: rollover starts after it', () => {
    const declared = storageSharding([
      { name: 'storage_2026', database: 'neo_storage_2026', range: { from: '2026-01-01', to: '2027-01-01' } },
      { name: 'storage_2027', database: 'neo_storage_2027_big', cluster: 'archive', range: { from: '2027-01-01' } },
    ]);
    expect(effectiveShards(declared, at('2026-12-15T00:00:00Z'))).toBe(declared.shards);
    expect(layout(effectiveShards(declared, at('2027-12-15T00:00:00Z')))).toEqual([
      ['storage_2026', 'neo_storage_2026', '2026-01-01', '2027-01-01'],
      ['storage_2027', 'neo_storage_2027_big', '2027-01-01', '2028-01-01'],
      ['storage_2028', 'neo_storage_2028', '2028-01-01', undefined],
    ]);
    // A derived shard stays on the cluster of the shard it follows unless rollover names one.
    expect(effectiveShards(declared, at('2027-12-15T00:00:00Z')).at(-1)?.cluster).toBe('archive');
  });

  it('refuses a year whose database (or name) a declared shard already has: two years would share it', () => {
    const clash = storageSharding([
      { name: 'storage_old', database: 'neo_storage_2027', range: { from: '2020-01-01', to: '2026-01-01' } },
      { name: 'storage_2026', database: 'neo_storage_2026', range: { from: '2026-01-01' } },
    ]);
    expect(() => effectiveShards(clash, at('2026-12-15T00:00:00Z'))).toThrow(TopologyError);
    expect(() => effectiveShards(clash, at('2026-12-15T00:00:00Z'))).toThrow(
      /rollover shard of 2027 would take the database "neo_storage_2027" of declared shard "storage_old"/,
    );
  });

  it('leaves shardings without rollover, and services without sharding, as declared', () => {
    const plain = storageSharding(undefined, null);
    expect(effectiveShards(plain, at('2030-01-01T00:00:00Z'))).toBe(plain.shards);
    expect(withEffectiveShards(plain, at('2030-01-01T00:00:00Z'))).toBe(plain);
    expect(serviceShards({ cluster: 'core', database: 'neo_x' } as never, at('2030-01-01T00:00:00Z'))).toEqual([]);
  });
});

describe('nextRolloverAt', () => {
  it('is the moment the next year starts being routed to (January 1 minus aheadDays), and none without rollover', () => {
    const sharding = storageSharding();
    const ahead = sharding.rollover!.aheadDays;
    const expected = (year: number) => new Date(Date.UTC(year, 0, 1) - ahead * 86_400_000).toISOString();
    expect(nextRolloverAt(sharding, new Date('2026-06-01T00:00:00Z'))!.toISOString()).toBe(expected(2027));
    // Once 2027 is routed, the next change is 2028's.
    expect(nextRolloverAt(sharding, new Date(Date.UTC(2027, 0, 1) - ahead * 86_400_000 + 1))!.toISOString()).toBe(expected(2028));
    expect(nextRolloverAt({ ...sharding, rollover: undefined } as Sharding, new Date())).toBeUndefined();
  });
});

describe('rollover in the topology file', () => {
  function withRollover(rollover: Record<string, unknown>, shards?: Array<Record<string, unknown>>, strategy = 'range'): TopologyInput {
    return {
      version: 1,
      clusters: { core: { temperature: 'hot', credentials: { user: 'neo_core_user' }, primary: { name: 'core-primary' } } },
      services: {
        storage: {
          cluster: 'core',
          database: 'neo_storage',
          sharding: {
            strategy,
            key: 'createdDate',
            models: ['StorageObject'],
            shards: shards ?? [
              { name: 'storage_2025', database: 'neo_storage_2025', range: { from: '2025-01-01', to: '2026-01-01' } },
              { name: 'storage_2026', database: 'neo_storage_2026', range: { from: '2026-01-01' } },
            ],
            rollover,
          } as never,
        },
      },
      monolith: { cluster: 'core' },
    };
  }
  const problemsOf = (topology: TopologyInput): TopologyProblem[] => {
    try {
      loadTopology({ object: topology }, { env: {} });
      return [];
    } catch (error) {
      if (error instanceof TopologyError) return [...error.problems];
      throw error;
    }
  };

  it('accepts a rollover on a range sharding by date', () => {
    expect(problemsOf(withRollover(ROLLOVER))).toEqual([]);
  });

  it('says what each field expects, with a hint', () => {
    const problems = problemsOf(withRollover({ every: 'month', aheadDays: 0, name: 'storage', database: 'neo storage' }));
    expect(problems.map((p) => p.path)).toEqual([
      'services.storage.sharding.rollover.every',
      'services.storage.sharding.rollover.aheadDays',
      'services.storage.sharding.rollover.name',
      'services.storage.sharding.rollover.database',
    ]);
    expect(problems[1]).toMatchObject({ problem: expect.stringMatching(/from 1 to 366/), hint: expect.stringMatching(/e\.g\. 30/) });
    expect(problems[2]).toMatchObject({ problem: expect.stringMatching(/\{year\}/), hint: 'e.g. storage_{year}' });
  });

  it('refuses it on another strategy, and without an open-ended shard from a January 1', () => {
    const modulo = withRollover(ROLLOVER, [{ name: 's0', database: 'neo_s0', remainder: 0 }], 'modulo');
    expect(problemsOf(modulo)).toContainEqual(
      expect.objectContaining({
        path: 'services.storage.sharding.rollover',
        problem: expect.stringMatching(/only used by the range strategy/),
      }),
    );
    const midYear = withRollover(ROLLOVER, [{ name: 'storage_a', database: 'neo_storage_a', range: { from: '2026-03-01' } }]);
    expect(problemsOf(midYear)).toEqual([
      expect.objectContaining({
        path: 'services.storage.sharding.rollover',
        problem: 'needs one open-ended shard starting on a January 1 to extend',
        hint: expect.stringMatching(/leave "to" out on the latest shard/),
      }),
    ]);
  });

  it('refuses a pattern that would make a database the file already uses on the cluster', () => {
    const topology = withRollover(ROLLOVER);
    topology.services['archive'] = { cluster: 'core', database: 'neo_storage_2031' };
    expect(problemsOf(topology)).toEqual([
      expect.objectContaining({
        path: 'services.storage.sharding.rollover.database',
        problem: 'would make database "neo_storage_2031" for 2031 on cluster "core", which services.archive.database already uses',
      }),
    ]);
  });

  it('refuses a declared shard that carries the name rollover makes for a later year', () => {
    const shards = [
      { name: 'storage_2030', database: 'neo_storage_old', range: { from: '2020-01-01', to: '2026-01-01' } },
      { name: 'storage_2026', database: 'neo_storage_2026', range: { from: '2026-01-01' } },
    ];
    expect(problemsOf(withRollover(ROLLOVER, shards))).toEqual([
      expect.objectContaining({
        path: 'services.storage.sharding.shards[0].name',
        problem: expect.stringMatching(/rollover makes for 2030/),
      }),
    ]);
  });
});
