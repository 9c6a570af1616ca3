import { describe, expect, it } from 'vitest';
import { loadTopology } from './load-topology.js';
import { columnToFieldName, parseInclusiveRange } from './seed-service-config.js';
import { TopologyError } from './topology.error.js';
import type { Topology } from './topology.schema.js';

// The seed document's service blocks, verbatim (storage gains the one line it lacks: Models).
const storageBlock = {
  Database: {
    Provider: 'PostgreSQL',
    Sharding: {
      Strategy: 'RangeSharding',
      ShardKey: 'created_date',
      Models: ['StorageObject'],
      Shards: [
        { Name: 'storage_2024', Range: '2024-01-01 to 2024-12-31', ConnectionString: 'Host=postgres-storage-2024' },
        { Name: 'storage_2025', Range: '2025-01-01 to 2025-12-31', ConnectionString: 'Host=postgres-storage-2025' },
      ],
    },
  },
};
const oracleBlock = {
  Database: {
    Provider: 'PostgreSQL',
    ReadReplicas: ['Host=postgres-oracle-replica1', 'Host=postgres-oracle-replica2'],
    CacheStrategy: 'ReadThrough',
    CacheTTL: 300,
  },
};

/** A topology (as a JSON document, which is YAML too) whose services carry appsettings blocks. */
function topologyText(services: Record<string, unknown>, clusters: Record<string, unknown> = {}): string {
  return JSON.stringify({
    version: 1,
    clusters: {
      core: {
        temperature: 'hot',
        credentials: { user: 'neo_core_user', password: '${CORE_DB_PASSWORD:-core_pw}' },
        primary: { name: 'core-primary' },
        pool: { max: 7 },
      },
      blockchain: {
        temperature: 'hot',
        credentials: { user: 'neo_blockchain_user', password: 'chain_pw' },
        primary: { name: 'blockchain-primary' },
      },
      ...clusters,
    },
    services,
    monolith: { cluster: 'core' },
  });
}

const load = (text: string): Topology => loadTopology({ text, origin: 'test.json' }, { env: {} });

function refusal(text: string): TopologyError {
  try {
    load(text);
  } catch (error) {
    expect(error).toBeInstanceOf(TopologyError);
    return error as TopologyError;
  }
  throw new Error('expected the topology to be refused');
}

describe('appsettings: the storage RangeSharding block', () => {
  const topology = load(topologyText({ storage: { cluster: 'core', database: 'neo_storage', appsettings: storageBlock } }));
  const sharding = topology.services['storage']!.sharding!;

  it('becomes range sharding on the Prisma field of the shard-key column', () => {
    expect(sharding).toMatchObject({ strategy: 'range', key: 'createdDate', models: ['StorageObject'] });
  });

  it('turns the inclusive seed ranges into half-open ranges', () => {
    expect(sharding.shards.map((s) => s.range)).toEqual([
      { from: '2024-01-01', to: '2025-01-01' },
      { from: '2025-01-01', to: '2026-01-01' },
    ]);
  });

  it("gives each shard host its own primary-only cluster, inheriting the service cluster's settings", () => {
    expect(sharding.shards.map((s) => [s.name, s.cluster, s.database])).toEqual([
      ['storage_2024', 'postgres-storage-2024', 'storage_2024'],
      ['storage_2025', 'postgres-storage-2025', 'storage_2025'],
    ]);
    const cluster = topology.clusters['postgres-storage-2024']!;
    expect(cluster).toMatchObject({
      temperature: 'hot',
      credentials: { user: 'neo_core_user', password: 'core_pw' },
      primary: { name: 'postgres-storage-2024', host: 'postgres-storage-2024', port: 5432 },
      replicas: [],
      pool: { max: 7 },
    });
  });

  it("puts a shard on a declared cluster whose primary has its host, with the connection string's database", () => {
    const block = structuredClone(storageBlock);
    block.Database.Sharding.Shards[0]!.ConnectionString = 'Host=db-archive.internal;Port=6432;Database=archive_2024';
    const t = load(
      topologyText(
        { storage: { cluster: 'core', database: 'neo_storage', appsettings: block } },
        {
          archive: {
            temperature: 'cold',
            credentials: { user: 'neo_archive_user' },
            primary: { name: 'archive-primary', host: 'db-archive.internal', port: 6432 },
          },
        },
      ),
    );
    expect(t.services['storage']!.sharding!.shards[0]).toMatchObject({ cluster: 'archive', database: 'archive_2024' });
    expect(Object.keys(t.clusters)).not.toContain('db-archive-internal-6432');
  });

  it("keeps a shard without a host on the service's cluster", () => {
    const block = structuredClone(storageBlock);
    block.Database.Sharding.Shards[0]!.ConnectionString = 'Database=neo_storage_2024';
    const t = load(topologyText({ storage: { cluster: 'core', database: 'neo_storage', appsettings: block } }));
    expect(t.services['storage']!.sharding!.shards[0]).toEqual({
      name: 'storage_2024',
      database: 'neo_storage_2024',
      range: { from: '2024-01-01', to: '2025-01-01' },
    });
  });

  it('reads postgres:// URLs as well as Npgsql strings, credentials included', () => {
    const block = structuredClone(storageBlock);
    block.Database.Sharding.Shards[0]!.ConnectionString = 'postgres://archiver:p%40ss@10.0.0.7:5433/st_2024';
    const t = load(topologyText({ storage: { cluster: 'core', database: 'neo_storage', appsettings: block } }));
    expect(t.services['storage']!.sharding!.shards[0]).toMatchObject({ cluster: 'host-10-0-0-7-5433', database: 'st_2024' });
    expect(t.clusters['host-10-0-0-7-5433']).toMatchObject({
      credentials: { user: 'archiver', password: 'p@ss' },
      primary: { host: '10.0.0.7', port: 5433 },
    });
  });

  it('maps ModuloSharding (remainders by position unless given) and HashSharding', () => {
    const modulo = load(
      topologyText({
        smartcontracts: {
          cluster: 'blockchain',
          database: 'neo_smartcontracts',
          appsettings: {
            Database: {
              Provider: 'PostgreSQL',
              Sharding: {
                Strategy: 'ModuloSharding',
                ShardKey: 'user_id',
                Models: ['Transaction'],
                Shards: [{ Name: 'sc_0' }, { Name: 'sc_1' }],
              },
            },
          },
        },
      }),
    );
    expect(modulo.services['smartcontracts']!.sharding).toMatchObject({
      strategy: 'modulo',
      key: 'userId',
      shards: [
        { name: 'sc_0', remainder: 0 },
        { name: 'sc_1', remainder: 1 },
      ],
    });
    const hash = load(
      topologyText({
        smartcontracts: {
          cluster: 'blockchain',
          database: 'neo_smartcontracts',
          appsettings: {
            Database: {
              Provider: 'PostgreSQL',
              Sharding: {
                Strategy: 'HashSharding',
                ShardKey: 'user_id',
                Models: ['Transaction'],
                Shards: [
                  { Name: 'sc_a', KeyRange: '-80' },
                  { Name: 'sc_b', KeyRange: '80-' },
                ],
              },
            },
          },
        },
      }),
    );
    expect(hash.services['smartcontracts']!.sharding!.shards.map((s) => s.keyRange)).toEqual(['-80', '80-']);
  });
});

describe('appsettings: the oracle ReadReplicas / cache block', () => {
  const topology = load(topologyText({ oracle: { cluster: 'blockchain', database: 'neo_oracle', appsettings: oracleBlock } }));

  it("adds each replica host as a replica node of the service's cluster", () => {
    expect(topology.clusters['blockchain']!.replicas).toEqual([
      { name: 'postgres-oracle-replica1', host: 'postgres-oracle-replica1', port: 5432, weight: 1 },
      { name: 'postgres-oracle-replica2', host: 'postgres-oracle-replica2', port: 5432, weight: 1 },
    ]);
  });

  it('becomes a read-through cache with the TTL in seconds', () => {
    expect(topology.services['oracle']!.cache).toEqual({ strategy: 'read-through', ttlSeconds: 300 });
  });

  it('adds a replica host once when two services list it', () => {
    const t = load(
      topologyText({
        oracle: { cluster: 'blockchain', database: 'neo_oracle', appsettings: oracleBlock },
        crosschain: { cluster: 'blockchain', database: 'neo_crosschain', appsettings: oracleBlock },
      }),
    );
    expect(t.clusters['blockchain']!.replicas).toHaveLength(2);
  });

  it('keeps the other service fields (reads) next to the appsettings block', () => {
    const t = load(
      topologyText({ oracle: { cluster: 'blockchain', database: 'neo_oracle', reads: { policy: 'weighted' }, appsettings: oracleBlock } }),
    );
    expect(t.services['oracle']!.reads.policy).toBe('weighted');
  });
});

describe('appsettings written as YAML', () => {
  it('loads the blocks as config/README.md shows them', () => {
    const text = `
version: 1
clusters:
  core: { temperature: hot, credentials: { user: neo_core_user }, primary: { name: core-primary } }
  blockchain: { temperature: hot, credentials: { user: neo_blockchain_user }, primary: { name: blockchain-primary } }
monolith: { cluster: core }
services:
  storage:
    cluster: core
    database: neo_storage
    appsettings:
      Database:
        Provider: PostgreSQL
        Sharding:
          Strategy: RangeSharding
          ShardKey: created_date
          Models: [StorageObject]
          Shards:
            - { Name: storage_2024, Range: "2024-01-01 to 2024-12-31", ConnectionString: "Host=postgres-storage-2024" }
            - { Name: storage_2026, Range: "2026-01-01 onwards" }
  oracle:
    cluster: blockchain
    database: neo_oracle
    appsettings:
      Database:
        Provider: PostgreSQL
        ReadReplicas: ["Host=postgres-oracle-replica1", "Host=postgres-oracle-replica2"]
        CacheStrategy: ReadThrough
        CacheTTL: 300
`;
    const t = load(text);
    expect(t.services['storage']!.sharding!.shards).toEqual([
      { name: 'storage_2024', database: 'storage_2024', cluster: 'postgres-storage-2024', range: { from: '2024-01-01', to: '2025-01-01' } },
      { name: 'storage_2026', database: 'storage_2026', range: { from: '2026-01-01' } },
    ]);
    expect(t.clusters['blockchain']!.replicas.map((r) => r.host)).toEqual(['postgres-oracle-replica1', 'postgres-oracle-replica2']);
    expect(t.services['oracle']!.cache).toEqual({ strategy: 'read-through', ttlSeconds: 300 });
  });
});

describe('appsettings: refusals', () => {
  const withStorage = (mutate: (block: typeof storageBlock) => void, extra: Record<string, unknown> = {}): string => {
    const block = structuredClone(storageBlock);
    mutate(block);
    return topologyText({ storage: { cluster: 'core', database: 'neo_storage', appsettings: block, ...extra } });
  };

  it('names the accepted strategies for an unknown one', () => {
    const error = refusal(withStorage((b) => void (b.Database.Sharding.Strategy = 'DirectorySharding')));
    expect(error.problems).toEqual([
      expect.objectContaining({
        path: 'services.storage.appsettings.Database.Sharding.Strategy',
        problem: '"DirectorySharding" is not a known sharding strategy',
        hint: 'use one of RangeSharding, ModuloSharding, HashSharding',
      }),
    ]);
  });

  it('asks for the Models the seed block does not name', () => {
    const error = refusal(withStorage((b) => void delete (b.Database.Sharding as { Models?: string[] }).Models));
    expect(error.problems[0]).toMatchObject({
      path: 'services.storage.appsettings.Database.Sharding.Models',
      hint: expect.stringContaining('Models: [StorageObject]'),
    });
  });

  it('refuses an unreadable range, with the path of the shard', () => {
    const error = refusal(withStorage((b) => void (b.Database.Sharding.Shards[1]!.Range = '2025 through 2026')));
    expect(error.problems[0]).toMatchObject({
      path: 'services.storage.appsettings.Database.Sharding.Shards[1].Range',
      problem: 'is not a range',
    });
  });

  it('refuses overlapping seed ranges after mapping them', () => {
    const error = refusal(withStorage((b) => void (b.Database.Sharding.Shards[1]!.Range = '2024-12-31 to 2025-12-31')));
    expect(error.problems[0]).toMatchObject({
      path: 'services.storage.sharding.shards[1].range',
      problem: 'overlaps the range of shard "storage_2024"',
    });
  });

  it('refuses an unknown cache strategy, naming the accepted one', () => {
    const block = { Database: { ...oracleBlock.Database, CacheStrategy: 'WriteBehind' } };
    const error = refusal(topologyText({ oracle: { cluster: 'blockchain', database: 'neo_oracle', appsettings: block } }));
    expect(error.problems).toEqual([
      expect.objectContaining({ path: 'services.oracle.appsettings.Database.CacheStrategy', hint: 'use one of ReadThrough' }),
    ]);
  });

  it('refuses sharding declared both ways', () => {
    const error = refusal(
      withStorage(() => undefined, {
        sharding: { strategy: 'modulo', key: 'id', models: ['X'], shards: [{ name: 'x', database: 'x', remainder: 0 }] },
      }),
    );
    expect(error.problems[0]).toMatchObject({
      path: 'services.storage.appsettings.Database.Sharding',
      problem: 'declares sharding a second time',
    });
  });

  it('refuses a provider other than PostgreSQL and unknown fields', () => {
    const error = refusal(
      topologyText({
        oracle: {
          cluster: 'blockchain',
          database: 'neo_oracle',
          appsettings: { Database: { ...oracleBlock.Database, Provider: 'SqlServer', Retries: 3 } },
        },
      }),
    );
    expect(error.problems.map((p) => p.path)).toEqual(['services.oracle.appsettings.Database.Retries']);
    const provider = refusal(
      topologyText({
        oracle: {
          cluster: 'blockchain',
          database: 'neo_oracle',
          appsettings: { Database: { ...oracleBlock.Database, Provider: 'SqlServer' } },
        },
      }),
    );
    expect(provider.problems[0]).toMatchObject({ path: 'services.oracle.appsettings.Database.Provider' });
  });

  it("refuses connection-string credentials that contradict the cluster's, without echoing them", () => {
    const block = { Database: { ...oracleBlock.Database, ReadReplicas: ['Host=r1;Username=other;Password=Contradicting-Pw-42'] } };
    const error = refusal(topologyText({ oracle: { cluster: 'blockchain', database: 'neo_oracle', appsettings: block } }));
    expect(error.problems[0]).toMatchObject({ path: 'services.oracle.appsettings.Database.ReadReplicas[0]' });
    expect(error.message).not.toContain('Contradicting-Pw-42');
  });

  it('refuses a shard pointed at a replica host', () => {
    const text = topologyText(
      { storage: { cluster: 'core', database: 'neo_storage', appsettings: storageBlock } },
      {
        ext: {
          temperature: 'hot',
          credentials: { user: 'u' },
          primary: { name: 'p', host: 'p1' },
          replicas: [{ name: 'r', host: 'postgres-storage-2024' }],
        },
      },
    );
    expect(refusal(text).problems[0]).toMatchObject({
      path: 'services.storage.appsettings.Database.Sharding.Shards[0].ConnectionString',
      problem: 'names a replica host of cluster "ext"',
    });
  });
});

describe('seed value conversions', () => {
  it('camel-cases a column name into a Prisma field name', () => {
    expect(columnToFieldName('created_date')).toBe('createdDate');
    expect(columnToFieldName('user_id')).toBe('userId');
    expect(columnToFieldName('userId')).toBe('userId');
  });

  it('makes inclusive ranges half-open, dates and numbers', () => {
    expect(parseInclusiveRange('2024-01-01 to 2024-12-31')).toEqual({ ok: true, value: { from: '2024-01-01', to: '2025-01-01' } });
    expect(parseInclusiveRange('2024-02-01 to 2024-02-29')).toEqual({ ok: true, value: { from: '2024-02-01', to: '2024-03-01' } });
    expect(parseInclusiveRange('0 to 999')).toEqual({ ok: true, value: { from: 0, to: 1000 } });
    expect(parseInclusiveRange('2026-01-01 onwards')).toEqual({ ok: true, value: { from: '2026-01-01' } });
    expect(parseInclusiveRange('2023-02-29 to 2023-03-01').ok).toBe(false);
    expect(parseInclusiveRange('2024-12-31 to 2024-01-01').ok).toBe(false);
    expect(parseInclusiveRange('2024-01-01 to 99').ok).toBe(false);
  });
});
