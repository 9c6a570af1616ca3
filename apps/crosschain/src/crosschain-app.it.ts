import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import { DATA_SOURCE } from '@neo/data/nest';
import { migrateFleet } from '@neo/data/migrations';
import { uuidv7, type DataSource, type NodeStatus } from '@neo/data';
import { useSharedTopology } from '@neo/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROSSCHAIN_SERVICE } from './app.module.js';
import { createCrosschainApp } from './create-crosschain-app.js';

/* The cross-chain service on its own database: neo_crosschain on the blockchain cluster (a primary and two replicas). */

const replicaReads = (statuses: readonly NodeStatus[]) =>
  statuses.filter((status) => status.role === 'replica').reduce((sum, status) => sum + status.stats.reads, 0);

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

describe('cross-chain service on its own databases', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let source: DataSource;

  beforeAll(async () => {
    const { topology } = useSharedTopology();
    await migrateFleet({ topology, services: [CROSSCHAIN_SERVICE], monolith: false });
    app = await createCrosschainApp({ topology }, { logger: false });
    await app.listen(0, '127.0.0.1');
    source = app.get<DataSource>(DATA_SOURCE);
    await source.ready();
    http = request(await app.getUrl());
  });

  afterAll(async () => {
    await app?.close();
  });

  const newRequest = (userId = `user-${randomUUID()}`) => ({
    idempotencyKey: randomUUID(),
    userId,
    sourceChain: 'neo-n3',
    targetChain: 'ethereum',
    asset: 'GAS',
    amount: '12.50',
  });

  it('takes a transfer through requested → locked → relayed → completed', async () => {
    const body = newRequest();
    const created = await http.post('/transfers').set('x-user-id', body.userId).send(body).expect(201);
    expect(created.body).toMatchObject({ ...body, amount: '12.5', status: 'requested', failureReason: null });
    const id = created.body.id as string;
    for (const to of ['locked', 'relayed', 'completed']) {
      expect((await http.post(`/transfers/${id}/transitions`).set('x-user-id', body.userId).send({ to }).expect(200)).body.status).toBe(to);
    }
    // Read-your-writes: the user sees the final state at once, wherever the read goes.
    expect((await http.get(`/transfers/${id}`).set('x-user-id', body.userId).expect(200)).body.status).toBe('completed');
    const moved = await http.post(`/transfers/${id}/transitions`).send({ to: 'failed' }).expect(409);
    expect(moved.body).toMatchObject({ code: 'CROSSCHAIN_INVALID_TRANSITION', message: expect.stringContaining('completed is final') });
  });

  it('fails a transfer with a reason, and refuses skipped steps', async () => {
    const body = newRequest();
    const id = (await http.post('/transfers').send(body).expect(201)).body.id as string;
    const skipped = await http.post(`/transfers/${id}/transitions`).send({ to: 'relayed' }).expect(409);
    expect(skipped.body.message).toContain('it may move to: locked, failed');
    await http.post(`/transfers/${id}/transitions`).send({ to: 'locked' }).expect(200);
    const failed = await http.post(`/transfers/${id}/transitions`).send({ to: 'failed', reason: 'relayer timeout' }).expect(200);
    expect(failed.body).toMatchObject({ status: 'failed', failureReason: 'relayer timeout' });
  });

  it('returns the same transfer for a repeated idempotency key (200), and 409 when the key comes with other details', async () => {
    const body = newRequest();
    const first = await http.post('/transfers').send(body).expect(201);
    const again = await http
      .post('/transfers')
      .send({ ...body, amount: '12.5000' })
      .expect(200);
    expect(again.body).toEqual(first.body);
    const reused = await http
      .post('/transfers')
      .send({ ...body, amount: '13' })
      .expect(409);
    expect(reused.body).toMatchObject({ code: 'CROSSCHAIN_IDEMPOTENCY_KEY_REUSED', message: expect.stringContaining(first.body.id) });
  });

  it('makes one transfer of 10 concurrent requests with one key, and lets one of 10 concurrent moves win', async () => {
    const body = newRequest();
    const answers = await Promise.all(Array.from({ length: 10 }, () => http.post('/transfers').send(body)));
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(9);
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);

    const id = answers[0]!.body.id as string;
    const moves = await Promise.all(Array.from({ length: 10 }, () => http.post(`/transfers/${id}/transitions`).send({ to: 'locked' })));
    expect(moves.filter((move) => move.status === 200)).toHaveLength(1);
    expect(moves.filter((move) => move.status === 409)).toHaveLength(9);
  });

  it("lists a user's transfers newest first from the replicas", async () => {
    const userId = `lister-${randomUUID()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await http.post('/transfers').send(newRequest(userId)).expect(201)).body.id as string);
    await until(
      () =>
        source.status!()
          .filter((status) => status.role === 'replica')
          .every((status) => status.inRotation),
      'the replicas in rotation',
    );
    // A reader who wrote nothing reads from the replicas; the rows may need a moment to get there.
    await until(
      async () => (await http.get('/transfers').set('x-user-id', 'reader').query({ userId })).body.items?.length === 3,
      'the replicas',
    );
    const before = replicaReads(source.status!());
    const page = await http.get('/transfers').set('x-user-id', 'reader').query({ userId, limit: 2 }).expect(200);
    expect(page.body.items.map((item: { id: string }) => item.id)).toEqual([ids[2], ids[1]]);
    const rest = await http
      .get('/transfers')
      .set('x-user-id', 'reader')
      .query({ userId, limit: 2, cursor: page.body.nextCursor })
      .expect(200);
    expect(rest.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
    expect(replicaReads(source.status!()) - before).toBe(2);
  });

  it('answers 404 for an unknown transfer and 400 for a bad amount or state', async () => {
    await http.get(`/transfers/${uuidv7()}`).expect(404);
    await http.post(`/transfers/${uuidv7()}/transitions`).send({ to: 'locked' }).expect(404);
    for (const amount of ['0', '-1', '1e5', '1.1234567890123456789', 12]) {
      const refused = await http
        .post('/transfers')
        .send({ ...newRequest(), amount })
        .expect(400);
      expect(JSON.stringify(refused.body)).toContain('amount');
    }
    await http.post(`/transfers/${uuidv7()}/transitions`).send({ to: 'teleported' }).expect(400);
  });

  it('reports its nodes on GET /health and its queries on GET /metrics', async () => {
    const health = await http.get('/health').expect(200);
    expect(health.body.info.database).toMatchObject({ status: 'up', service: 'crosschain' });
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/neo_data_queries_total\{[^}]*role="replica"[^}]*service="crosschain"\} [1-9]/);
  });
});
