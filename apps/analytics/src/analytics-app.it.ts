import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { migrateFleet } from '@neo/data/migrations';
import { partitionFor } from '@neo/data/partitioning';
import { serviceTargets, toPgPoolConfig } from '@neo/topology';
import { useSharedTopology } from '@neo/testing';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYTICS_SERVICE } from './app.module.js';
import { createAnalyticsApp } from './create-analytics-app.js';
import { EventPartitions } from './partitions/event-partitions.js';
import type { RetentionSettings } from './partitions/retention-settings.js';

/* The analytics service on its own database: events in daily partitions with retention, and their rollups. */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const retention: RetentionSettings = { retentionDays: 30, interval: 'day', partitionsAhead: 3, maintenanceIntervalMs: 3_600_000 };
const realNow = new Date();
let now = realNow;
const startOfToday = new Date(Date.UTC(realNow.getUTCFullYear(), realNow.getUTCMonth(), realNow.getUTCDate()));
/** A moment today, `hours` after midnight UTC (later today is inside the partitions made ahead). */
const todayAt = (hours: number, minutes = 0) => new Date(startOfToday.getTime() + hours * HOUR + minutes * 60_000);

let app: INestApplication;
let http: ReturnType<typeof request>;
let db: pg.Pool;

async function partitions(): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT child.relname AS name FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid
      WHERE pg_inherits.inhparent = 'events'::regclass ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

const event = (name: string, at: Date, value?: number) => ({
  id: randomUUID(),
  name,
  userId: 'u1',
  ...(value === undefined ? {} : { value }),
  occurredAt: at.toISOString(),
});

beforeAll(async () => {
  const { topology } = useSharedTopology();
  await migrateFleet({ topology, services: [ANALYTICS_SERVICE], monolith: false });
  db = new pg.Pool({ ...toPgPoolConfig(serviceTargets(topology, ANALYTICS_SERVICE).primary), max: 2 });
  app = await createAnalyticsApp({ topology, retention, clock: () => now }, { logger: false });
  // On a port of its own, like in production (and so concurrent requests share one server).
  await app.listen(0, '127.0.0.1');
  http = request(await app.getUrl());
});

afterAll(async () => {
  now = realNow;
  await app?.close();
  await db?.end();
});

describe('events in a time-partitioned table, with hourly and daily rollups', () => {
  it('has made the partitions of today and the next three days at start', async () => {
    const names = await partitions();
    for (let day = 0; day <= 3; day++) expect(names).toContain(partitionFor('events', 'day', new Date(realNow.getTime() + day * DAY)).name);
  });

  it('records a batch into the partition of each event, once, and rolls it up by hour and day', async () => {
    const name = `wallet.opened.${randomUUID()}`;
    const batch = [
      event(name, todayAt(1, 5), 2),
      event(name, todayAt(1, 55), 3),
      event(name, todayAt(2, 30)),
      event(name, todayAt(2, 31), -1),
    ];
    expect((await http.post('/events').send({ events: batch }).expect(201)).body).toEqual({ written: 4 });
    // The same batch again: nothing new, and the rollups do not move.
    expect((await http.post('/events').send({ events: batch }).expect(201)).body).toEqual({ written: 0 });

    const { rows } = await db.query<{ partition: string; n: number }>(
      'SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM events WHERE name = $1 GROUP BY 1',
      [name],
    );
    expect(rows).toEqual([{ partition: partitionFor('events', 'day', todayAt(1)).name, n: 4 }]);

    const range = { from: startOfToday.toISOString(), to: new Date(startOfToday.getTime() + DAY).toISOString() };
    const hours = await http
      .get('/rollups')
      .query({ name, bucket: 'hour', ...range })
      .expect(200);
    expect(hours.body.items).toEqual([
      { start: todayAt(1).toISOString(), count: 2, valueSum: 5, valueMin: 2, valueMax: 3 },
      { start: todayAt(2).toISOString(), count: 2, valueSum: -1, valueMin: -1, valueMax: -1 },
    ]);
    const days = await http
      .get('/rollups')
      .query({ name, bucket: 'day', ...range })
      .expect(200);
    expect(days.body.items).toEqual([{ start: startOfToday.toISOString(), count: 4, valueSum: 4, valueMin: -1, valueMax: 3 }]);
  });

  it('adds concurrent batches up exactly: 10 batches of 50 events in one hour count 500', async () => {
    const name = `transfer.sent.${randomUUID()}`;
    const batches = Array.from({ length: 10 }, () => Array.from({ length: 50 }, (_, i) => event(name, todayAt(0, i), 1)));
    const answers = await Promise.all(batches.map((events) => http.post('/events').send({ events })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(201));
    const hours = await http
      .get('/rollups')
      .query({ name, bucket: 'hour', from: startOfToday.toISOString(), to: todayAt(1).toISOString() })
      .expect(200);
    expect(hours.body.items).toEqual([{ start: startOfToday.toISOString(), count: 500, valueSum: 500, valueMin: 1, valueMax: 1 }]);
  });

  it('drops partitions past the retention and keeps their rollups', async () => {
    const name = `backfill.${randomUUID()}`;
    const tenDaysAgo = new Date(startOfToday.getTime() - 10 * DAY + 3 * HOUR);
    const oldPartition = partitionFor('events', 'day', tenDaysAgo).name;
    // Inside the retention: its partition is made on the spot.
    expect(
      (
        await http
          .post('/events')
          .send({ events: [event(name, tenDaysAgo, 7)] })
          .expect(201)
      ).body,
    ).toEqual({ written: 1 });
    expect(await partitions()).toContain(oldPartition);

    try {
      now = new Date(realNow.getTime() + 25 * DAY);
      await app.get(EventPartitions).maintain();
      expect(await partitions()).not.toContain(oldPartition);
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE name = $1', [name]);
      expect(rows[0]?.n).toBe(0);
    } finally {
      now = realNow;
      await app.get(EventPartitions).maintain();
    }
    const day = new Date(startOfToday.getTime() - 10 * DAY);
    const days = await http
      .get('/rollups')
      .query({ name, bucket: 'day', from: day.toISOString(), to: startOfToday.toISOString() })
      .expect(200);
    expect(days.body.items).toEqual([{ start: day.toISOString(), count: 1, valueSum: 7, valueMin: 7, valueMax: 7 }]);
  });

  it('refuses events outside the kept window and impossible rollup queries with 400, writing nothing', async () => {
    const name = `late.${randomUUID()}`;
    const tooOld = await http
      .post('/events')
      .send({ events: [event(name, todayAt(1)), event(name, new Date(realNow.getTime() - 31 * DAY))] })
      .expect(400);
    expect(tooOld.body).toMatchObject({
      code: 'ANALYTICS_EVENT_OUTSIDE_RETENTION',
      message: expect.stringContaining('events[1].occurredAt'),
    });
    await http
      .post('/events')
      .send({ events: [event(name, new Date(realNow.getTime() + 10 * DAY))] })
      .expect(400);
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE name = $1', [name]);
    expect(rows[0]?.n).toBe(0);

    const from = startOfToday.toISOString();
    await http
      .get('/rollups')
      .query({ name, bucket: 'minute', from, to: todayAt(1).toISOString() })
      .expect(400);
    await http.get('/rollups').query({ name, bucket: 'hour', from, to: from }).expect(400);
    const tooLong = await http
      .get('/rollups')
      .query({ name, bucket: 'hour', from, to: new Date(startOfToday.getTime() + 40 * DAY).toISOString() })
      .expect(400);
    expect(tooLong.body).toMatchObject({ code: 'ANALYTICS_INVALID_QUERY' });
  });

  it('reports its database on GET /health and its connection pool on GET /metrics', async () => {
    const health = await http.get('/health').expect(200);
    expect(health.body.info.database).toMatchObject({ status: 'up', service: 'analytics' });
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/neo_data_pool_acquisitions_total\{database="neo_analytics",[^}]*service="analytics"\} [1-9]/);
  });
});
