import type { INestApplication } from '@nestjs/common';
import { createTimePartitionSql, partitionFor } from '@neo/data/partitioning';
import { migrateFleet } from '@neo/data/migrations';
import { serviceTargets, toPgPoolConfig } from '@neo/topology';
import type { Topology } from '@neo/data';
import { useSharedTopology } from '@neo/testing';
import pg from 'pg';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MONITORING_SERVICE } from './app.module.js';
import { createMonitoringApp } from './create-monitoring-app.js';
import type { RetentionSettings } from './partitions/retention-settings.js';

const DAY = 86_400_000;
const OPERATOR_TOKEN = `operator-${randomUUID()}`;
const OWN_DATABASE = 'analytics/analytics-primary/neo_monitoring';
const retention: RetentionSettings = { retentionDays: 30, interval: 'day', partitionsAhead: 3, maintenanceIntervalMs: 3_600_000 };

let topology: Topology;
let app: INestApplication;
let http: ReturnType<typeof request>;
/** A plain pool on neo_monitoring: the tests look at the partitions directly. */
let db: pg.Pool;
/** The service's clock; tests move it to see the retention act. */
const realNow = new Date();
let now = realNow;

/** The name of the day partition holding `at`, e.g. metric_samples_p20261128. */
const dayPartition = (at: Date) => partitionFor('metric_samples', 'day', at).name;
const daysFromNow = (days: number) => new Date(realNow.getTime() + days * DAY);
const startOfToday = new Date(Date.UTC(realNow.getUTCFullYear(), realNow.getUTCMonth(), realNow.getUTCDate()));
const series = (name: string) => `${name}.${randomUUID()}`;

async function partitions(): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT child.relname AS name FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid
      WHERE pg_inherits.inhparent = 'metric_samples'::regclass ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

beforeAll(async () => {
  ({ topology } = useSharedTopology());
  await migrateFleet({ topology, services: [MONITORING_SERVICE], monolith: false });
  // The owner role: the tests make and drop partitions themselves (DDL, which the app role may not run).
  db = new pg.Pool({ ...toPgPoolConfig(serviceTargets(topology, MONITORING_SERVICE, 'owner').primary), max: 2 });
  app = await createMonitoringApp({ topology, retention, clock: () => now, operatorToken: OPERATOR_TOKEN }, { logger: false });
  await app.init();
  http = request(app.getHttpServer());
});

afterAll(async () => {
  await app?.close();
  await db?.end();
});

describe('metric samples in a time-partitioned table', () => {
  it('has made the partitions of today and the next three days at start', async () => {
    const names = await partitions();
    for (let day = 0; day <= 3; day++) expect(names).toContain(dayPartition(daysFromNow(day)));
  });

  it('writes a batch into the partition of each sample, idempotently, and reads a series by time window', async () => {
    const name = series('oracle.latency_ms');
    const at = (minutes: number) => new Date(startOfToday.getTime() + minutes * 60_000);
    const samples = [0, 1, 2, 3].map((minute) => ({ series: name, at: at(minute).toISOString(), value: minute * 1.5 }));
    // Ten days back: inside the retention, in a partition the write makes on the spot.
    const backfill = { series: name, at: daysFromNow(-10).toISOString(), value: 99 };
    expect(
      (
        await http
          .post('/samples')
          .send({ samples: [...samples, backfill] })
          .expect(201)
      ).body,
    ).toEqual({ written: 5 });
    expect((await http.post('/samples').send({ samples }).expect(201)).body).toEqual({ written: 0 });

    const { rows } = await db.query<{ partition: string; n: number }>(
      'SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM metric_samples WHERE series = $1 GROUP BY 1 ORDER BY 1',
      [name],
    );
    expect(rows).toEqual(
      [
        { partition: dayPartition(daysFromNow(-10)), n: 1 },
        { partition: dayPartition(startOfToday), n: 4 },
      ].sort((a, b) => a.partition.localeCompare(b.partition)),
    );

    const window = await http
      .get(`/series/${name}`)
      .query({ from: at(1).toISOString(), to: at(3).toISOString() })
      .expect(200);
    expect(window.body).toEqual({
      series: name,
      samples: [
        { at: at(1).toISOString(), value: 1.5 },
        { at: at(2).toISOString(), value: 3 },
      ],
    });
  });

  it('downsamples a series into buckets with avg, min, max and count', async () => {
    const name = series('cpu');
    // 30 samples 10 s apart, values 0..29: six per minute.
    const samples = Array.from({ length: 30 }, (_, k) => ({
      series: name,
      at: new Date(startOfToday.getTime() + k * 10_000).toISOString(),
      value: k,
    }));
    await http.post('/samples').send({ samples }).expect(201);
    const answer = await http
      .get(`/series/${name}/downsample`)
      .query({ from: startOfToday.toISOString(), to: new Date(startOfToday.getTime() + 10 * 60_000).toISOString(), bucket: '1m' })
      .expect(200);
    expect(answer.body.bucket).toBe('1m');
    expect(answer.body.buckets).toEqual(
      [0, 1, 2, 3, 4].map((minute) => ({
        start: new Date(startOfToday.getTime() + minute * 60_000).toISOString(),
        avg: minute * 6 + 2.5,
        min: minute * 6,
        max: minute * 6 + 5,
        count: 6,
      })),
    );
  });

  it('refuses samples outside the kept window, bad bodies and bad queries with 400, writing nothing', async () => {
    const name = series('refused');
    const tooOld = await http
      .post('/samples')
      .send({
        samples: [
          { series: name, at: realNow.toISOString(), value: 1 },
          { series: name, at: daysFromNow(-31).toISOString(), value: 2 },
        ],
      })
      .expect(400);
    expect(tooOld.body.code).toBe('MONITORING_SAMPLE_OUTSIDE_RETENTION');
    await http
      .post('/samples')
      .send({ samples: [{ series: name, at: daysFromNow(30).toISOString(), value: 1 }] })
      .expect(400);
    await http
      .post('/samples')
      .send({ samples: [{ series: name, at: 'yesterday', value: 1 }] })
      .expect(400);
    await http.post('/samples').send({ samples: [] }).expect(400);
    await http.get(`/series/${name}`).query({ from: realNow.toISOString() }).expect(400);
    await http
      .get(`/series/${name}`)
      .query({ from: realNow.toISOString(), to: daysFromNow(-1).toISOString() })
      .expect(400);
    await http
      .get(`/series/${name}/downsample`)
      .query({ from: daysFromNow(-1).toISOString(), to: realNow.toISOString(), bucket: '1x' })
      .expect(400);
    await http
      .get(`/series/${name}/downsample`)
      .query({ from: daysFromNow(-20).toISOString(), to: realNow.toISOString(), bucket: '1s' })
      .expect(400);
    const { rows } = await db.query('SELECT 1 FROM metric_samples WHERE series = $1', [name]);
    expect(rows).toEqual([]);
  });
});

describe('partition retention', () => {
  it('drops exactly the expired partitions and creates the next ones', async () => {
    // Old partitions, as if the service had run for weeks: 40 and 31 days old are past the
    // 30-day retention (their whole day ended more than 30 days ago); 30 and 29 are not yet.
    const old = [-40, -31, -30, -29].map((days) => partitionFor('metric_samples', 'day', daysFromNow(days)));
    for (const partition of old) {
      await db.query(createTimePartitionSql('metric_samples', partition));
      await db.query('INSERT INTO metric_samples (series, recorded_at, value) VALUES ($1, $2, 1)', [
        `retention.${randomUUID()}`,
        partition.from,
      ]);
    }
    const before = await partitions();

    const asOperator = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    const first = await http.post('/maintenance/partitions').set(asOperator).expect(200);
    expect(first.body).toEqual({
      places: [
        {
          database: OWN_DATABASE,
          engine: 'native',
          created: [],
          dropped: [dayPartition(daysFromNow(-40)), dayPartition(daysFromNow(-31))],
        },
      ],
    });
    const firstDropped: string[] = first.body.places[0].dropped;
    expect(await partitions()).toEqual(before.filter((name) => !firstDropped.includes(name)));

    // Two days later: the next two days are made ahead, the 30- and 29-day-old ones expire.
    now = daysFromNow(2);
    try {
      const second = await http.post('/maintenance/partitions').set(asOperator).expect(200);
      const made = [dayPartition(daysFromNow(4)), dayPartition(daysFromNow(5))];
      const expired = [dayPartition(daysFromNow(-30)), dayPartition(daysFromNow(-29))];
      expect(second.body).toEqual({ places: [{ database: OWN_DATABASE, engine: 'native', created: made, dropped: expired }] });
      const expected = new Set([...before, ...made].filter((name) => ![...firstDropped, ...expired].includes(name)));
      expect(await partitions()).toEqual([...expected].sort());
      // The rows of dropped partitions went with them.
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM metric_samples WHERE recorded_at < $1', [
        daysFromNow(-28),
      ]);
      expect(rows[0]!.n).toBe(0);
    } finally {
      now = realNow;
    }
  });
});

describe('batch size', () => {
  it('takes a full batch of 10,000 samples with the longest series names, and answers 413 naming the limit above it', async () => {
    const longest = (k: number) => `${'s'.repeat(161)}.${randomUUID()}.${k % 10}`;
    const at = (k: number) => new Date(startOfToday.getTime() + k).toISOString();
    const samples = Array.from({ length: 10_000 }, (_, k) => ({ series: longest(k), at: at(k), value: -1.234567890123456e-300 }));
    expect(samples[0]!.series).toHaveLength(200);
    const written = await http.post('/samples').send({ samples }).expect(201);
    expect(written.body).toEqual({ written: 10_000 });

    const padding = 'x'.repeat(5 * 1024 * 1024);
    const tooLarge = await http
      .post('/samples')
      .send({ samples: [{ series: 'big', at: at(0), value: 1 }], padding })
      .expect(413);
    expect(tooLarge.body).toMatchObject({ code: 'BODY_TOO_LARGE', message: expect.stringContaining('4 MB') });
    // Other routes keep the default limit.
    const other = await http
      .post('/maintenance/partitions')
      .set('content-type', 'application/json')
      .send({ padding: 'x'.repeat(200 * 1024) });
    expect(other.status).toBe(413);
    expect(other.body.message).toContain('100 KB');
  });
});

describe('operator actions', () => {
  it('runs partition maintenance only for the operator credential, and without a configured token not at all', async () => {
    // An instance started without NEO_OPERATOR_TOKEN refuses every caller.
    const withoutToken = await createMonitoringApp({ topology, retention, clock: () => now }, { logger: false });
    try {
      await withoutToken.init();
      const off = await request(withoutToken.getHttpServer())
        .post('/maintenance/partitions')
        .set('authorization', `Bearer ${OPERATOR_TOKEN}`)
        .expect(403);
      expect(off.body).toMatchObject({ code: 'OPERATOR_ACTIONS_DISABLED', message: expect.stringContaining('NEO_OPERATOR_TOKEN') });
    } finally {
      await withoutToken.close();
    }

    const expired = partitionFor('metric_samples', 'day', daysFromNow(-45));
    await db.query(createTimePartitionSql('metric_samples', expired));
    const anonymous = await http.post('/maintenance/partitions').expect(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(anonymous.body).toMatchObject({ code: 'OPERATOR_CREDENTIAL_REQUIRED', message: expect.stringContaining('Authorization') });
    await http.post('/maintenance/partitions').set('authorization', `Bearer ${OPERATOR_TOKEN}x`).expect(401);
    await http
      .post('/maintenance/partitions')
      .set('authorization', `Basic ${Buffer.from(`op:${OPERATOR_TOKEN}`).toString('base64')}`)
      .expect(401);
    // Nothing ran: the expired partition is still there.
    expect(await partitions()).toContain(expired.name);
    expect(JSON.stringify(anonymous.body)).not.toContain(OPERATOR_TOKEN);

    const run = await http.post('/maintenance/partitions').set('authorization', `Bearer ${OPERATOR_TOKEN}`).expect(200);
    expect(run.body.places[0].dropped).toContain(expired.name);
  });

  it('does not say what serves it (no X-Powered-By)', async () => {
    for (const path of ['/health', '/series/x?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', '/nowhere']) {
      const response = await http.get(path);
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('operations', () => {
  it('reports the primary on GET /health and serves GET /metrics', async () => {
    const health = await http.get('/health').expect(200);
    expect(health.body.info.database.nodes['analytics/analytics-primary/neo_monitoring']).toMatchObject({ role: 'primary', status: 'up' });
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toContain('neo_data_');
  });
});
