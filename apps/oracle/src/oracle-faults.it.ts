import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import { DATA_SOURCE } from '@neo/data/nest';
import { migrateFleet } from '@neo/data/migrations';
import { serviceTargets } from '@neo/topology';
import type { DataSource, NodeStatus } from '@neo/data';
import { startIsolatedTopology } from '@neo/testing';
import type { RunningTopology } from '@neo/topology-runtime';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOracleApp } from './create-oracle-app.js';

/*
 * Faults, on servers of this file's own (a blockchain cluster: primary and two replicas) that
 * it stops and starts. The primary is stopped last.
 */

type Http = ReturnType<typeof request>;

const REPLICA_1 = 'blockchain/blockchain-replica-1/neo_oracle';

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

describe('oracle service when servers fail', () => {
  let running: RunningTopology;
  let app: INestApplication;
  let http: Http;
  let source: DataSource;
  let feedId: string;

  const replicaStatus = (label: string): NodeStatus => source.status!().find((status) => status.label === label)!;
  const allReplicasInRotation = () =>
    source.status!()
      .filter((status) => status.role === 'replica')
      .every((status) => status.inRotation);

  beforeAll(async () => {
    running = await startIsolatedTopology({ clusters: ['blockchain'] });
    await migrateFleet({ topology: running.topology, services: ['oracle'], monolith: false });
    app = await createOracleApp({ topology: running.topology, healthTimeoutMs: 1_000 }, { logger: false });
    await app.listen(0, '127.0.0.1');
    http = request(await app.getUrl());
    source = app.get<DataSource>(DATA_SOURCE);
    await source.ready();

    const writer = { 'x-user-id': 'writer' };
    const feed = await http
      .post('/feeds')
      .set(writer)
      .send({ name: `NEO/USD-${randomUUID().slice(0, 8)}`, decimals: 2, source: 'test' })
      .expect(201);
    feedId = feed.body.id;
    for (const value of ['1', '2', '3']) await http.post(`/feeds/${feedId}/values`).set(writer).send({ value }).expect(201);
  });

  afterAll(async () => {
    await app?.close();
    await running?.stop();
  });

  it('loses no read while a replica is stopped under a concurrent read load, reports it degraded, and takes it back once restarted', async () => {
    await until(allReplicasInRotation, 'both replicas in rotation');
    let stop = false;
    const failures: string[] = [];
    let reads = 0;
    const reader = async (user: string) => {
      while (!stop) {
        const response = await http.get(`/feeds/${feedId}/values`).set('x-user-id', user).query({ limit: 2 });
        reads++;
        if (response.status !== 200) failures.push(`${response.status} ${JSON.stringify(response.body)}`);
      }
    };
    const load = Promise.all(['r1', 'r2', 'r3', 'r4'].map(reader));
    try {
      await sleep(300);
      await running.stopNode('blockchain', 'blockchain-replica-1');
      await until(() => !replicaStatus(REPLICA_1).inRotation, 'the stopped replica to leave the rotation');
      await sleep(500);

      const health = await http.get('/health').expect(200);
      expect(health.body.status).toBe('degraded');
      expect(health.body.info.database).toMatchObject({
        status: 'degraded',
        replicasDown: [REPLICA_1],
        nodes: {
          [REPLICA_1]: { role: 'replica', status: 'down', inRotation: false },
          'blockchain/blockchain-primary/neo_oracle': { status: 'up' },
        },
      });

      await running.startNode('blockchain', 'blockchain-replica-1');
      await until(() => replicaStatus(REPLICA_1).inRotation === true, 'the restarted replica to rejoin');
      const servedBefore = replicaStatus(REPLICA_1).stats.reads;
      await until(() => replicaStatus(REPLICA_1).stats.reads > servedBefore, 'the restarted replica to serve reads again');
    } finally {
      stop = true;
      await load;
    }
    expect(reads).toBeGreaterThan(20);
    expect(failures).toEqual([]);
  });

  it('answers writes with 503 PRIMARY_UNAVAILABLE within the connection timeout once the primary is stopped, keeps serving reads, and stays ready', async () => {
    await until(allReplicasInRotation, 'both replicas in rotation');
    // Cached before the outage: served from the cache during it.
    await http.get(`/feeds/${feedId}/latest`).expect(200);
    await running.stopNode('blockchain', 'blockchain-primary');

    // The stated bound: a refused connection fails at once; an unanswering host within the pool's connectionTimeoutMs.
    const bound = serviceTargets(running.topology, 'oracle').primary.pool.connectionTimeoutMs;
    const { primary } = serviceTargets(running.topology, 'oracle');
    for (let attempt = 0; attempt < 3; attempt++) {
      const startedAt = performance.now();
      const write = await http.post(`/feeds/${feedId}/values`).set('x-user-id', 'writer').send({ value: '4' });
      const elapsedMs = performance.now() - startedAt;
      expect(write.status).toBe(503);
      expect(write.body).toMatchObject({
        statusCode: 503,
        code: 'PRIMARY_UNAVAILABLE',
        message: expect.stringMatching(/primary.*cannot be reached.*Reads are still served/),
      });
      expect(Number(write.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(elapsedMs).toBeLessThan(bound);
      const body = JSON.stringify(write.body);
      expect(body).not.toContain(String(primary.port));
      expect(body).not.toContain(primary.password ?? 'no password');
      expect(body).not.toMatch(/\bat\s.+:\d+:\d+/); // no stack frames
    }
    await http
      .post('/feeds')
      .send({ name: `X-${randomUUID().slice(0, 8)}`, decimals: 0, source: 's' })
      .expect(503);

    // Readers who did not write: served by the replicas.
    for (let i = 0; i < 10; i++) {
      const history = await http.get(`/feeds/${feedId}/values`).set('x-user-id', `reader-${i}`).expect(200);
      expect(history.body.items.map((item: { value: string }) => item.value)).toEqual(['3.00', '2.00', '1.00']);
      expect((await http.get(`/feeds/${feedId}/latest`).set('x-user-id', `reader-${i}`).expect(200)).body.value).toBe('3.00');
    }
    await http.get('/feeds').set('x-user-id', 'reader').expect(200);

    // Reads still work, so the service is ready: degraded, with its writes reported down.
    const health = await http.get('/health').expect(200);
    expect(health.body.info.database).toMatchObject({
      status: 'degraded',
      reads: { status: 'up', unavailable: [] },
      writes: { status: 'down', unavailable: ['blockchain/blockchain-primary/neo_oracle'] },
      nodes: { 'blockchain/blockchain-primary/neo_oracle': { status: 'down' } },
    });
    const ready = await http.get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({
      status: 'degraded',
      info: { database: { status: 'degraded', reads: { status: 'up' }, writes: { status: 'down' } } },
    });
    await http.get('/health/live').expect(200);
  });

  it('answers a read no node can serve with a 503 about the read, not the writes, and reports reads down', async () => {
    // The primary is stopped (previous test); now the replicas go too.
    for (const replica of ['blockchain-replica-1', 'blockchain-replica-2']) await running.stopNode('blockchain', replica);
    await until(
      () => source.status!().every((status) => status.role === 'primary' || !status.inRotation),
      'the replicas to leave the rotation',
    );
    const read = await http.get(`/feeds/${feedId}/values`).set('x-user-id', 'late-reader').expect(503);
    expect(read.body.code).toMatch(/^(PRIMARY|DATABASE)_UNAVAILABLE$/);
    expect(read.body.message).not.toMatch(/writes are unavailable/i);
    expect(Number(read.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const ready = await http.get('/health/ready').expect(503);
    expect(ready.body.error.database).toMatchObject({ status: 'down', reads: { status: 'down', unavailable: ['blockchain/neo_oracle'] } });
    await http.get('/health/live').expect(200);
  });
});
