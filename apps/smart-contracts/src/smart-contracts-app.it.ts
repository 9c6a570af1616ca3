import type { INestApplication } from '@nestjs/common';
import { DATA_CLIENT, DATA_SOURCE } from '@neo/data/nest';
import { migrateFleet } from '@neo/data/migrations';
import { shardTargets, toPgPoolConfig } from '@neo/topology';
import { ShardKeyRequiredError, type DataSource, type Topology } from '@neo/data';
import { useSharedTopology } from '@neo/testing';
import pg from 'pg';
import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMART_CONTRACTS_SERVICE } from './app.module.js';
import { createSmartContractsApp } from './create-smart-contracts-app.js';
import type { SmartContractsDb } from './smart-contracts-db.js';

interface TransactionBody {
  id: string;
  userId: number;
  contractId: string;
  method: string;
  amount: string | null;
  createdAt: string;
}

let topology: Topology;
let app: INestApplication;
/** A plain `pg` pool on each shard's primary, by shard name: the tests look at the shard databases directly. */
const shardPools = new Map<string, pg.Pool>();
/** Requests as one user: read-your-writes holds per `x-user-id`, on every shard. */
let http: ReturnType<typeof request.agent>;

/** Which shard the topology says a user's rows live on (the seed's user_id % 4). */
const shardOfUser = (userId: number) => `smartcontracts_${userId % 4}`;
/** Each test's users, far apart so reruns against a kept data directory do not meet old rows. */
const userBase = () => Number(randomBytes(4).readUInt32BE(0)) * 8;
const uniqueMethod = (name: string) => `${name}-${randomUUID()}`;

async function sql<Row extends pg.QueryResultRow>(shard: string, text: string, values: unknown[] = []): Promise<Row[]> {
  return (await shardPools.get(shard)!.query<Row>(text, values)).rows;
}

/** The shards holding rows of `method`, with their count. */
async function shardsHolding(method: string): Promise<Record<string, number>> {
  const found: Record<string, number> = {};
  for (const shard of shardPools.keys()) {
    const [row] = await sql<{ n: number }>(shard, 'SELECT count(*)::int AS n FROM transactions WHERE method = $1', [method]);
    if (row!.n > 0) found[shard] = row!.n;
  }
  return found;
}

/** Reads served so far per shard database (primary and replicas together). */
function readsPerDatabase(source: DataSource): Record<string, number> {
  const reads: Record<string, number> = {};
  for (const status of source.status!()) {
    const database = status.label.split('/')[2]!;
    reads[database] = (reads[database] ?? 0) + status.stats.reads;
  }
  return reads;
}

async function registerContract(): Promise<string> {
  const suffix = randomBytes(20).toString('hex');
  const response = await http
    .post('/contracts')
    .send({ name: `token-${suffix}`, scriptHash: `0x${suffix}` })
    .expect(201);
  return response.body.id as string;
}

beforeAll(async () => {
  ({ topology } = useSharedTopology());
  await migrateFleet({ topology, services: [SMART_CONTRACTS_SERVICE], monolith: false });
  for (const target of shardTargets(topology, SMART_CONTRACTS_SERVICE)) {
    const pool = new pg.Pool({ ...toPgPoolConfig(target.primary), max: 2 });
    shardPools.set(target.shard.name, pool);
  }
  app = await createSmartContractsApp({ topology }, { logger: false });
  await app.init();
  await app.get<DataSource>(DATA_SOURCE).ready();
  http = request.agent(app.getHttpServer()).set('x-user-id', `tester-${randomUUID()}`);
});

afterAll(async () => {
  await app?.close();
  await Promise.allSettled([...shardPools.values()].map((pool) => pool.end()));
});

describe('contracts (reference data on every shard)', () => {
  it('registers a contract on every shard, reads it back, and refuses a duplicate', async () => {
    const suffix = randomBytes(20).toString('hex');
    const created = await http
      .post('/contracts')
      .send({ name: `gas-${suffix}`, scriptHash: `0x${suffix.toUpperCase()}` })
      .expect(201);
    expect(created.body).toMatchObject({ name: `gas-${suffix}`, scriptHash: `0x${suffix}` });
    for (const shard of shardPools.keys()) {
      expect(await sql(shard, 'SELECT name FROM contracts WHERE id = $1', [created.body.id]), shard).toEqual([{ name: `gas-${suffix}` }]);
    }
    expect((await http.get(`/contracts/${created.body.id}`).expect(200)).body).toEqual(created.body);
    const duplicate = await http
      .post('/contracts')
      .send({ name: `gas-${suffix}`, scriptHash: `0x${'0'.repeat(40)}` })
      .expect(409);
    expect(duplicate.body.code).toBe('SMARTCONTRACTS_CONTRACT_EXISTS');
  });

  it('answers 400 for a bad body or id and 404 for an unknown contract', async () => {
    const bad = await http.post('/contracts').send({ name: '', scriptHash: 'abc' }).expect(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/name/);
    await http.get('/contracts/not-a-uuid').expect(400);
    await http.get(`/contracts/${randomUUID()}`).expect(404);
  });
});

describe('transactions sharded by userId', () => {
  it('writes each transaction on the shard of userId % 4 and nowhere else', async () => {
    const contractId = await registerContract();
    const base = userBase();
    const method = uniqueMethod('transfer');
    const created: TransactionBody[] = [];
    for (let offset = 0; offset < 8; offset++) {
      const response = await http
        .post('/transactions')
        .send({ contractId, userId: base + offset, method, amount: '12.5', payload: { to: 'NX' } })
        .expect(201);
      created.push(response.body);
    }
    for (const transaction of created) {
      const expected = shardOfUser(transaction.userId);
      for (const shard of shardPools.keys()) {
        const rows = await sql(shard, 'SELECT user_id::text AS "userId" FROM transactions WHERE id = $1', [transaction.id]);
        expect(rows, `${transaction.id} (user ${transaction.userId}) on ${shard}`).toEqual(
          shard === expected ? [{ userId: String(transaction.userId) }] : [],
        );
      }
    }
    const [first] = created as [TransactionBody];
    expect((await http.get(`/users/${first.userId}/transactions/${first.id}`).expect(200)).body).toMatchObject({
      ...first,
      amount: '12.5',
    });
    expect((await http.get(`/transactions/${first.id}`).expect(200)).body).toEqual(first);
    await http.get(`/users/${first.userId + 1}/transactions/${first.id}`).expect(404);
    await http.get(`/transactions/${randomUUID()}`).expect(404);
  });

  it("lists a user's transactions newest first from that user's shard only", async () => {
    const source = app.get<DataSource>(DATA_SOURCE);
    const contractId = await registerContract();
    const userId = userBase() + 5;
    const method = uniqueMethod('call');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await http.post('/transactions').send({ contractId, userId, method }).expect(201)).body.id);

    const before = readsPerDatabase(source);
    const listed: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: request.Response = await http
        .get(`/users/${userId}/transactions`)
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      listed.push(...page.body.items.map((item: TransactionBody) => item.id));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    const after = readsPerDatabase(source);

    expect(listed).toEqual([...ids].reverse());
    const userDatabase = `neo_${shardOfUser(userId)}`;
    for (const database of Object.keys(after)) {
      expect(after[database]! - (before[database] ?? 0), database).toBe(database === userDatabase ? pages : 0);
    }
  });

  it('lists recent transactions of every shard merged newest first, equal to the same query on all rows', async () => {
    const contractId = await registerContract();
    const base = userBase();
    for (let i = 0; i < 12; i++)
      await http
        .post('/transactions')
        .send({ contractId, userId: base + ((i * 7) % 12), method: uniqueMethod('recent') })
        .expect(201);

    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await http
        .get('/transactions/recent')
        .query({ limit: 7, ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(7);
      listed.push(...page.body.items.map((item: TransactionBody) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);

    const everyRow: Array<{ id: string; createdAt: Date }> = [];
    for (const shard of shardPools.keys())
      everyRow.push(...(await sql<{ id: string; createdAt: Date }>(shard, 'SELECT id::text, created_at AS "createdAt" FROM transactions')));
    everyRow.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    expect(listed).toEqual(everyRow.map((row) => row.id));
  });

  it('refuses a write without the shard key, with a clear error, and changes nothing', async () => {
    const db = app.get<SmartContractsDb>(DATA_CLIENT);
    const contractId = await registerContract();
    const method = uniqueMethod('keyless');
    await http.post('/transactions').send({ contractId, userId: userBase(), method }).expect(201);

    const refused = db.transaction.updateMany({ where: { method }, data: { status: 'cancelled' } });
    await expect(refused).rejects.toBeInstanceOf(ShardKeyRequiredError);
    await expect(refused).rejects.toThrow(/needs the shard key "userId"/);
    for (const shard of shardPools.keys()) {
      expect(await sql(shard, `SELECT id FROM transactions WHERE method = $1 AND status = 'cancelled'`, [method])).toEqual([]);
    }
    const missingKey = await http.post('/transactions').send({ contractId, method }).expect(400);
    expect(JSON.stringify(missingKey.body.message)).toContain('userId');
  });

  it('writes a batch on one shard atomically, and refuses one spanning shards before writing anything', async () => {
    const contractId = await registerContract();
    const base = userBase();
    const sameShard = uniqueMethod('batch-one-shard');
    // Users 1 and 5 apart by 4: the same shard.
    const batch = await http
      .post('/transactions/batch')
      .send({
        transactions: [
          { contractId, userId: base + 1, method: sameShard },
          { contractId, userId: base + 5, method: sameShard },
        ],
      })
      .expect(201);
    expect(batch.body.items).toHaveLength(2);
    expect(await shardsHolding(sameShard)).toEqual({ [shardOfUser(base + 1)]: 2 });

    const crossShard = uniqueMethod('batch-two-shards');
    const refused = await http
      .post('/transactions/batch')
      .send({
        transactions: [
          { contractId, userId: base + 1, method: crossShard },
          { contractId, userId: base + 2, method: crossShard },
        ],
      })
      .expect(422);
    expect(refused.body.code).toBe('CROSS_SHARD_TRANSACTION');
    expect(refused.body.message).toMatch(/one shard only.*Nothing was written/);
    expect(await shardsHolding(crossShard)).toEqual({});
  });

  it('answers 404 for an unknown contract and 400 for bad input, and writes nothing', async () => {
    const method = uniqueMethod('invalid');
    const unknown = await http.post('/transactions').send({ contractId: randomUUID(), userId: 3, method }).expect(404);
    expect(unknown.body.code).toBe('SMARTCONTRACTS_CONTRACT_NOT_FOUND');
    const contractId = await registerContract();
    const bad = await http.post('/transactions').send({ contractId, userId: -1, method, amount: '1.123456789' }).expect(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/userId/);
    await http.post('/transactions').send({ contractId, userId: 3, method, amount: 'ten' }).expect(400);
    await http.get('/users/abc/transactions').expect(400);
    await http.get('/transactions/recent').query({ cursor: 'garbage' }).expect(400);
    expect(await shardsHolding(method)).toEqual({});
  });
});

describe('amounts', () => {
  it('answers every amount as the exact plain decimal string it stored, never in exponent notation', async () => {
    const contractId = await registerContract();
    const amounts = ['999999999999999999999999999999.99999999', '0.00000001', '100000000000000000000000000000', '12.5', '0'];
    const userId = 4242;
    for (const amount of amounts) {
      const submitted = await http.post('/transactions').send({ contractId, userId, method: 'transfer', amount }).expect(201);
      expect(submitted.body.amount).toBe(amount);
      expect((await http.get(`/users/${userId}/transactions/${submitted.body.id}`).expect(200)).body.amount).toBe(amount);
    }
    const listed = await http.get(`/users/${userId}/transactions`).query({ limit: 10 }).expect(200);
    expect(listed.body.items.map((item: { amount: string }) => item.amount)).toEqual([...amounts].reverse());
  });
});

describe('operations', () => {
  it('reports every shard primary on GET /health and serves GET /metrics', async () => {
    const health = await http.get('/health').expect(200);
    expect(health.body.status).toBe('ok');
    const nodes = health.body.info.database.nodes as Record<string, { role: string; status: string }>;
    for (let shard = 0; shard < 4; shard++) {
      expect(nodes[`blockchain/blockchain-primary/neo_smartcontracts_${shard}`]).toMatchObject({ role: 'primary', status: 'up' });
    }
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/neo_data_queries_total\{[^}]*database="neo_smartcontracts_[0-3]"/);
  });
});
