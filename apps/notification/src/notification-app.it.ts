import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import { migrateFleet } from '@neo/data/migrations';
import { uuidv7 } from '@neo/data';
import { serviceTargets, toPgPoolConfig } from '@neo/topology';
import { useSharedTopology } from '@neo/testing';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATION_SERVICE } from './app.module.js';
import { createNotificationApp } from './create-notification-app.js';
import { DeliveryWorker } from './delivery/delivery-worker.js';
import type { WorkerSettings } from './delivery/worker-settings.js';

/*
 * The notification service on its own database (neo_notification on the application cluster),
 * delivering to a real HTTP server that records every attempt.
 */

interface Attempt {
  path: string;
  id: string;
  topic: string;
  attempt: number;
  body: unknown;
  accepted: boolean;
}

/** A webhook receiver: /ok accepts, /flaky refuses each message's first attempt, /down refuses while `down` is set. */
class Sink {
  readonly attempts: Attempt[] = [];
  down = true;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req).then((status) => res.writeHead(status).end()));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  accepted(id: string): Attempt[] {
    return this.attempts.filter((attempt) => attempt.id === id && attempt.accepted);
  }

  private async handle(req: IncomingMessage): Promise<number> {
    let text = '';
    for await (const chunk of req) text += chunk;
    const attempt = Number(req.headers['x-neo-attempt']);
    const accepted = req.url === '/ok' || (req.url === '/flaky' && attempt > 1) || (req.url === '/down' && !this.down);
    this.attempts.push({
      path: req.url ?? '',
      id: String(req.headers['idempotency-key']),
      topic: String(req.headers['x-neo-topic']),
      attempt,
      body: JSON.parse(text),
      accepted,
    });
    return accepted ? 200 : 503;
  }
}

const fast: Partial<WorkerSettings> = {
  pollIntervalMs: 20,
  batchSize: 10,
  backoff: { baseMs: 50, maxMs: 200 },
  maxAttempts: 3,
  deliveryTimeoutMs: 2_000,
};

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}

describe('notification service on its own database', () => {
  const sink = new Sink();
  let first: INestApplication;
  let second: INestApplication;
  let http: ReturnType<typeof request>;
  let db: pg.Pool;

  beforeAll(async () => {
    const { topology } = useSharedTopology();
    await migrateFleet({ topology, services: [NOTIFICATION_SERVICE], monolith: false });
    db = new pg.Pool({ ...toPgPoolConfig(serviceTargets(topology, NOTIFICATION_SERVICE).primary), max: 2 });
    await sink.start();
    // Two instances, each with its own worker and pool, on one database.
    first = await createNotificationApp({ topology, worker: fast }, { logger: false });
    second = await createNotificationApp({ topology, worker: fast }, { logger: false });
    await first.listen(0, '127.0.0.1');
    await second.init();
    http = request(await first.getUrl());
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await sink.stop();
    await db?.end();
  });

  const status = async (id: string): Promise<string> => (await http.get(`/messages/${id}`).expect(200)).body.status as string;

  async function send(path: string, payload: Record<string, unknown> = { n: 1 }): Promise<string> {
    const response = await http
      .post('/messages')
      .send({ recipient: `${sink.url}${path}`, topic: 'transfer.completed', payload })
      .expect(201);
    return response.body.id as string;
  }

  it('queues a message and delivers it: the payload as JSON, its id as Idempotency-Key, its topic', async () => {
    const payload = { transfer: randomUUID(), amount: '12.5' };
    const response = await http
      .post('/messages')
      .send({ recipient: `${sink.url}/ok`, topic: 'transfer.completed', payload })
      .expect(201);
    expect(response.body).toMatchObject({ status: 'pending', attempts: 0, maxAttempts: 3, payload, deliveredAt: null });
    const id = response.body.id as string;
    await until(async () => (await status(id)) === 'delivered', 'the delivery');
    expect(sink.accepted(id)).toEqual([{ path: '/ok', id, topic: 'transfer.completed', attempt: 1, body: payload, accepted: true }]);
    expect((await http.get(`/messages/${id}`).expect(200)).body).toMatchObject({
      attempts: 1,
      deliveredAt: expect.any(String),
      lastError: null,
    });
  });

  it('never delivers a message twice with two instances claiming at once: 300 messages, each accepted exactly once', async () => {
    const statsBefore = [first, second].map((app) => app.get(DeliveryWorker).stats.delivered);
    const ids: string[] = [];
    // 20 requests at a time: the workers start delivering while messages keep coming in.
    for (let batch = 0; batch < 15; batch++)
      ids.push(...(await Promise.all(Array.from({ length: 20 }, (_, n) => send('/ok', { batch, n })))));
    await until(async () => {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM messages WHERE id = ANY($1::uuid[]) AND status = 'delivered'`,
        [ids],
      );
      return rows[0]?.n === ids.length;
    }, 'every message delivered');
    const counts = new Map<string, number>();
    for (const attempt of sink.attempts) if (ids.includes(attempt.id)) counts.set(attempt.id, (counts.get(attempt.id) ?? 0) + 1);
    expect(counts.size).toBe(300);
    expect([...counts.values()].filter((count) => count !== 1)).toEqual([]);
    // Both instances took part.
    const delivered = [first, second].map((app, i) => app.get(DeliveryWorker).stats.delivered - statsBefore[i]!);
    expect(delivered[0]! + delivered[1]!).toBe(300);
    expect(Math.min(...delivered)).toBeGreaterThan(0);
  });

  it('retries a failed delivery after a backoff', async () => {
    const id = await send('/flaky');
    await until(async () => (await status(id)) === 'delivered', 'the second attempt');
    const attempts = sink.attempts.filter((attempt) => attempt.id === id);
    expect(attempts.map((attempt) => [attempt.attempt, attempt.accepted])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect((await http.get(`/messages/${id}`).expect(200)).body).toMatchObject({ attempts: 2, lastError: null });
  });

  it('makes a dead letter after the last attempt, lists it, and sends it again on request', async () => {
    sink.down = true;
    const id = await send('/down');
    await until(async () => (await status(id)) === 'dead', 'the dead letter');
    const dead = (await http.get(`/messages/${id}`).expect(200)).body;
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, lastError: 'the recipient answered HTTP 503' });
    expect(sink.attempts.filter((attempt) => attempt.id === id).map((attempt) => attempt.attempt)).toEqual([1, 2, 3]);
    const letters: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await http
        .get('/messages')
        .query({ status: 'dead', limit: 100, ...(cursor ? { cursor } : {}) })
        .expect(200);
      letters.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(letters).toContain(id);

    sink.down = false;
    expect((await http.post(`/messages/${id}/retry`).expect(201)).body).toMatchObject({ status: 'pending', attempts: 0 });
    await until(async () => (await status(id)) === 'delivered', 'the retried delivery');
    expect(sink.accepted(id)).toHaveLength(1);
    expect((await http.post(`/messages/${id}/retry`).expect(409)).body).toMatchObject({ code: 'NOTIFICATION_NOT_DEAD' });
  });

  it("takes over a message whose worker's claim expired", async () => {
    const id = uuidv7();
    const past = new Date(Date.now() - 60_000);
    await db.query(
      `INSERT INTO messages (id, recipient, topic, payload, status, attempts, max_attempts, next_attempt_at, claimed_by, claimed_until, created_at)
       VALUES ($1, $2, 'orphan', '{"n": 1}', 'delivering', 1, 3, $3, 'a-worker-that-died', $3, $3)`,
      [id, `${sink.url}/ok`, past],
    );
    await until(async () => (await status(id)) === 'delivered', 'the takeover');
    expect(sink.accepted(id)).toHaveLength(1);
    expect((await http.get(`/messages/${id}`).expect(200)).body.attempts).toBe(2);
  });

  it('answers 400 for a bad recipient or payload, 404 for an unknown message, and queues nothing', async () => {
    const { rows: before } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
    for (const recipient of ['not a url', 'ftp://example.com/x', 'javascript:alert(1)']) {
      const refused = await http.post('/messages').send({ recipient, topic: 't', payload: {} }).expect(400);
      expect(JSON.stringify(refused.body)).toContain('recipient');
    }
    await http
      .post('/messages')
      .send({ recipient: `${sink.url}/ok`, topic: 't', payload: [1, 2] })
      .expect(400);
    await http.get('/messages').query({ status: 'lost' }).expect(400);
    await http.get(`/messages/${uuidv7()}`).expect(404);
    await http.post(`/messages/${uuidv7()}/retry`).expect(404);
    const { rows: after } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it('reports its database on GET /health and its connection pool on GET /metrics', async () => {
    const health = await http.get('/health').expect(200);
    expect(health.body.info.database).toMatchObject({ status: 'up', service: 'notification' });
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/neo_data_pool_acquisitions_total\{database="neo_notification",[^}]*service="notification"\} [1-9]/);
  });
});
