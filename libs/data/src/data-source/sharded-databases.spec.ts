import type { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PoolFactory } from '../pool/index.js';
import type { ShardedClient } from '../sharding/index.js';
import { topologySchema, type DataNode, type Topology } from '@neo/topology';
import { createDataSource } from './create-data-source.js';

/** Nothing listens on port 1: building a source must not need a server. */
function topology(replicas: Array<{ name: string; host: string; port: number }> = []): Topology {
  return topologySchema.parse({
    version: 1,
    clusters: {
      blockchain: {
        temperature: 'hot',
        credentials: { user: 'contracts', password: 's3cret' },
        primary: { name: 'blockchain-primary', host: '127.0.0.1', port: 1 },
        replicas,
      },
    },
    services: {
      smartcontracts: {
        cluster: 'blockchain',
        database: 'neo_smartcontracts',
        sharding: {
          strategy: 'modulo',
          key: 'userId',
          models: ['Transaction'],
          referenceModels: ['Contract'],
          shards: [0, 1].map((remainder) => ({ name: `sc_${remainder}`, database: `neo_sc_${remainder}`, remainder })),
        },
      },
      plain: { cluster: 'blockchain', database: 'neo_plain' },
    },
    monolith: { cluster: 'blockchain' },
  });
}

interface Call {
  database: string;
  model: string;
  operation: string;
}

/** A stand-in Prisma client: each model call answers with the database it reached. */
class FakeClient {
  disconnected = false;
  readonly transaction;
  readonly contract;
  readonly auditEntry;

  constructor(
    readonly node: DataNode,
    calls: Call[],
  ) {
    const delegate = (model: string) => ({
      findMany: async (_args?: unknown) => {
        calls.push({ database: node.database, model, operation: 'findMany' });
        return [{ database: node.database }];
      },
    });
    this.transaction = delegate('Transaction');
    this.contract = delegate('Contract');
    this.auditEntry = delegate('AuditEntry');
  }

  $transaction(): Promise<unknown> {
    return Promise.resolve([]);
  }
  $extends(): unknown {
    return this;
  }
  $connect(): Promise<void> {
    return Promise.resolve();
  }
  async $disconnect(): Promise<void> {
    this.disconnected = true;
  }
}

function build(source: Topology) {
  const calls: Call[] = [];
  const clients: FakeClient[] = [];
  const createClient = (_adapter: PrismaPg, node: DataNode) => {
    const client = new FakeClient(node, calls);
    clients.push(client);
    return client;
  };
  return { calls, clients, createClient, source };
}

describe('the data source of a sharded service', () => {
  it('connects every shard (primary alone when its cluster has no replica) and routes calls by the shard key', async () => {
    const { calls, clients, createClient, source } = build(topology());
    const data = createDataSource({ service: 'smartcontracts', topology: source, createClient });
    const db = data.client as unknown as ShardedClient<FakeClient>;
    try {
      expect(clients.map((client) => client.node.database)).toEqual(['neo_sc_0', 'neo_sc_1']);
      expect(data.nodes.map(({ node }) => `${node.role}:${node.database}`)).toEqual(['primary:neo_sc_0', 'primary:neo_sc_1']);

      expect(await db.transaction.findMany({ where: { userId: 3 } })).toEqual([{ database: 'neo_sc_1' }]);
      expect(calls).toEqual([{ database: 'neo_sc_1', model: 'Transaction', operation: 'findMany' }]);
      expect(db.$shards().names).toEqual(['sc_0', 'sc_1']);
    } finally {
      await data.close();
    }
    expect(clients.every((client) => client.disconnected)).toBe(true);
    for (const { pool } of data.nodes) expect(pool.ended).toBe(true);
  });

  it('sends models outside the sharding block to the home database, connected on first use only', async () => {
    const { calls, clients, createClient, source } = build(topology());
    const data = createDataSource({ service: 'smartcontracts', topology: source, createClient });
    const db = data.client as unknown as ShardedClient<FakeClient>;
    try {
      // What a framework looks at on an injected value must not connect the home database.
      expect(typeof (db as unknown as { constructor: unknown }).constructor).toBe('function');
      expect((db as unknown as { onModuleInit?: unknown }).onModuleInit).toBeUndefined();
      expect(clients).toHaveLength(2);

      expect(await db.auditEntry.findMany()).toEqual([{ database: 'neo_smartcontracts' }]);
      expect(clients.map((client) => client.node.database)).toEqual(['neo_sc_0', 'neo_sc_1', 'neo_smartcontracts']);
      expect(data.nodes.map(({ node }) => node.database)).toEqual(['neo_sc_0', 'neo_sc_1', 'neo_smartcontracts']);
      // A reference model is read from one shard copy, not from home.
      expect(await db.contract.findMany()).toEqual([{ database: 'neo_sc_0' }]);
      expect(calls.map((call) => `${call.model}@${call.database}`)).toEqual(['AuditEntry@neo_smartcontracts', 'Contract@neo_sc_0']);
    } finally {
      await data.close();
    }
    expect(clients.every((client) => client.disconnected)).toBe(true);
  });

  it('builds a replica set per shard when the cluster has replicas, and closes them all', async () => {
    const { clients, createClient, source } = build(topology([{ name: 'blockchain-replica-1', host: '127.0.0.1', port: 1 }]));
    const data = createDataSource({ service: 'smartcontracts', topology: source, createClient });
    try {
      expect(clients.map((client) => `${client.node.role}:${client.node.database}`)).toEqual([
        'primary:neo_sc_0',
        'replica:neo_sc_0',
        'primary:neo_sc_1',
        'replica:neo_sc_1',
      ]);
      expect(data.status?.().map((status) => status.label)).toEqual([
        'blockchain/blockchain-primary/neo_sc_0',
        'blockchain/blockchain-replica-1/neo_sc_0',
        'blockchain/blockchain-primary/neo_sc_1',
        'blockchain/blockchain-replica-1/neo_sc_1',
      ]);
      expect(new Set(data.nodes.map(({ pool }) => pool)).size).toBe(4);
    } finally {
      await data.close();
    }
    for (const { pool } of data.nodes) expect(pool.ended).toBe(true);
  });

  it('is a sharded client only for a service that declares sharding', async () => {
    const { createClient, source } = build(topology());
    const sharded = createDataSource({ service: 'smartcontracts', topology: source, createClient });
    const plain = createDataSource({ service: 'plain', topology: source, createClient });
    try {
      expect(typeof (sharded.client as unknown as ShardedClient<FakeClient>).$shard).toBe('function');
      expect((plain.client as unknown as { $shard?: unknown }).$shard).toBeUndefined();
      expect(plain.nodes.map(({ node }) => node.database)).toEqual(['neo_plain']);
    } finally {
      await Promise.all([sharded.close(), plain.close()]);
    }
  });

  describe('under sharding.rollover', () => {
    afterEach(() => vi.useRealTimers());

    /** Storage-like: yearly range shards by createdDate, next year's joining 30 days ahead. */
    function yearly(): Topology {
      return topologySchema.parse({
        version: 1,
        clusters: {
          core: { temperature: 'hot', credentials: { user: 'storage' }, primary: { name: 'core-primary', host: '127.0.0.1', port: 1 } },
        },
        services: {
          storage: {
            cluster: 'core',
            database: 'neo_storage',
            sharding: {
              strategy: 'range',
              key: 'createdDate',
              models: ['Transaction'],
              shards: [{ name: 'storage_2026', database: 'neo_storage_2026', range: { from: '2026-01-01' } }],
              rollover: { every: 'year', aheadDays: 30, name: 'storage_{year}', database: 'neo_storage_{year}' },
            },
          },
        },
        monolith: { cluster: 'core' },
      });
    }

    it("switches a running source to next year's shard at January 1 minus aheadDays, without a restart", async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      vi.setSystemTime(new Date('2026-11-20T00:00:00Z'));
      const { calls, createClient, source } = build(yearly());
      // Whether next year's database answers yet (nothing listens on port 1: the pool's query is faked).
      let made = false;
      const createPool: PoolFactory = (config) => {
        const pool = new pg.Pool(config);
        pool.query = (async () => {
          if (!made || !String(config.database).endsWith('2027')) throw new Error('database "neo_storage_2027" does not exist');
          return { rows: [{ '?column?': 1 }] };
        }) as unknown as pg.Pool['query'];
        return pool;
      };
      const data = createDataSource({ service: 'storage', topology: source, createClient, pools: { createPool } });
      const db = data.client as unknown as ShardedClient<FakeClient>;
      const nextYear = { where: { createdDate: new Date('2027-01-05T00:00:00Z') } };
      try {
        await db.transaction.findMany(nextYear);
        expect(data.nodes.map(({ node }) => node.database)).toEqual(['neo_storage_2026']);

        // 2026-12-02: 2027-01-01 is within 30 days, but its database is not made yet: the layout stays.
        await vi.advanceTimersByTimeAsync(12 * 24 * 60 * 60 * 1000);
        expect(db.$shards().names).toEqual(['storage_2026']);
        // The maintenance step makes it; the next try (a minute later) switches.
        made = true;
        await vi.advanceTimersByTimeAsync(60_000);
        await db.transaction.findMany(nextYear);
        expect(calls.map((call) => call.database)).toEqual(['neo_storage_2026', 'neo_storage_2027']);
        expect(data.nodes.map(({ node }) => node.database)).toEqual(['neo_storage_2026', 'neo_storage_2027']);
        expect(db.$shards().names).toEqual(['storage_2026', 'storage_2027']);
      } finally {
        await data.close();
      }
    });
  });
});
