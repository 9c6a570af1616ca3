import { randomInt, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { migrateFleet } from '@neo/data/migrations';
import { createTimePartitionSql, partitionFor } from '@neo/data/partitioning';
import { uuidv7 } from '@neo/data';
import { sideDefinitions, sideFlags } from '@neo/service-testing';
import { monolithTarget, serviceTargets, toPgPoolConfig } from '@neo/topology';
import { useSharedTopology } from '@neo/testing';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORTING_SERVICE } from './app.module.js';
import { createReportingApp } from './create-reporting-app.js';
import { Prisma } from './generated/prisma/client.js';
import { ReportPartitions } from './partitions/report-partitions.js';
import type { ReportingRetention } from './partitions/retention-settings.js';

/*
 * The reporting service on both sides of the shared test topology: its own database (analytics
 * cluster) and its schema in the monolith. Reports are computed by the database; the tests
 * compute the same values here, from the inputs they sent, and compare.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const retention: ReportingRetention = {
  inputs: { retentionDays: 90, interval: 'day', partitionsAhead: 3, maintenanceIntervalMs: 3_600_000 },
  reports: { retentionDays: 365, interval: 'month', partitionsAhead: 1, maintenanceIntervalMs: 3_600_000 },
};
const realNow = new Date();
let now = realNow;
const startOfToday = new Date(Date.UTC(realNow.getUTCFullYear(), realNow.getUTCMonth(), realNow.getUTCDate()));
const yesterday = new Date(startOfToday.getTime() - DAY);

const flags = sideFlags(REPORTING_SERVICE, 'service');
let app: INestApplication;
let http: ReturnType<typeof request>;
/** The owner role on each side: the tests look at (and make) partitions directly. */
let own: pg.Pool;
let monolith: pg.Pool;
/** Table names on each side: the monolith keeps the service's tables in its schema. */
const sides = () => [
  { name: 'service', pool: own, schema: '' },
  { name: 'monolith', pool: monolith, schema: `${REPORTING_SERVICE}.` },
];

async function partitions(pool: pg.Pool, table: string): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT child.relname AS name FROM pg_inherits JOIN pg_class child ON child.oid = pg_inherits.inhrelid
      WHERE pg_inherits.inhparent = to_regclass($1) ORDER BY 1`,
    [table],
  );
  return rows.map((row) => row.name);
}

/** A value in ten-thousandths, as the API takes it: "-12.3456". */
const asDecimal = (units: bigint): string => {
  const sign = units < 0n ? '-' : '';
  const digits = (units < 0n ? -units : units).toString().padStart(5, '0');
  const fraction = digits.slice(-4).replace(/0+$/, '');
  return `${sign}${digits.slice(0, -4)}${fraction === '' ? '' : `.${fraction}`}`;
};

interface SentInput {
  id: string;
  metric: string;
  dimension?: string;
  value: string;
  occurredAt: string;
}
const input = (metric: string, at: Date, units: bigint, dimension?: string): SentInput => ({
  id: randomUUID(),
  metric,
  ...(dimension === undefined ? {} : { dimension }),
  value: asDecimal(units),
  occurredAt: at.toISOString(),
});

async function createDefinition(fields: Record<string, unknown>): Promise<{ id: string; name: string }> {
  return (
    await http
      .post('/definitions')
      .send({ name: `report-${randomUUID()}`, ...fields })
      .expect(201)
  ).body;
}

beforeAll(async () => {
  const { topology } = useSharedTopology();
  await migrateFleet({ topology, services: [REPORTING_SERVICE], monolith: true });
  own = new pg.Pool({ ...toPgPoolConfig(serviceTargets(topology, REPORTING_SERVICE, 'owner').primary), max: 2 });
  monolith = new pg.Pool({ ...toPgPoolConfig(monolithTarget(topology, REPORTING_SERVICE, 'owner')), max: 2 });
  app = await createReportingApp({ topology, flags: { instance: flags }, retention, clock: () => now }, { logger: false });
  await app.listen(0, '127.0.0.1');
  http = request(await app.getUrl());
});

afterAll(async () => {
  now = realNow;
  await app?.close();
  flags.close();
  await own?.end();
  await monolith?.end();
});

describe('reports computed by the database from the inputs', () => {
  // 400 inputs over yesterday, in three dimensions and none, values from -1000 to 1000 with up to 4 decimals.
  const metric = `payments.volume.${randomUUID()}`;
  const dimensions = ['eu', 'us', 'asia', undefined];
  const sent = Array.from({ length: 400 }, () =>
    input(
      metric,
      new Date(yesterday.getTime() + randomInt(0, DAY)),
      BigInt(randomInt(-10_000_000, 10_000_001)),
      dimensions[randomInt(0, 4)],
    ),
  );
  // What a report must leave out: another metric, and the same metric outside the window.
  const noise = [
    input(`other.${randomUUID()}`, new Date(yesterday.getTime() + HOUR), 5n),
    input(metric, new Date(yesterday.getTime() - 1), 7n, 'eu'),
    input(metric, startOfToday, 9n, 'eu'),
  ];
  const window = { from: yesterday.toISOString(), to: startOfToday.toISOString() };

  /** The expected rows, computed here: per UTC bucket (and dimension), every aggregate. */
  function expected(interval: 'hour' | 'day', byDimension: boolean) {
    const groups = new Map<string, { bucket: string; dimension: string | null; values: bigint[] }>();
    for (const sample of sent) {
      const at = new Date(sample.occurredAt);
      const bucket = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), interval === 'hour' ? at.getUTCHours() : 0));
      const dimension = byDimension ? (sample.dimension ?? null) : null;
      const key = `${bucket.toISOString()}|${dimension ?? ''}|${dimension === null}`;
      const group = groups.get(key) ?? { bucket: bucket.toISOString(), dimension, values: [] };
      group.values.push(BigInt(new Prisma.Decimal(sample.value).times(10_000).toFixed()));
      groups.set(key, group);
    }
    return [...groups.values()]
      .sort(
        (a, b) =>
          a.bucket.localeCompare(b.bucket) || (a.dimension === null ? -1 : b.dimension === null ? 1 : a.dimension < b.dimension ? -1 : 1),
      )
      .map((group) => {
        const sum = group.values.reduce((a, b) => a + b, 0n);
        const sorted = [...group.values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        return {
          bucket: group.bucket,
          dimension: group.dimension,
          sum: asDecimal(sum),
          count: String(group.values.length),
          min: asDecimal(sorted[0]!),
          max: asDecimal(sorted.at(-1)!),
          avg: new Prisma.Decimal(asDecimal(sum)).dividedBy(group.values.length),
        };
      });
  }

  beforeAll(async () => {
    const batch = { inputs: [...sent, ...noise] };
    expect((await http.post('/inputs').send(batch).expect(201)).body).toEqual({ written: sent.length + noise.length });
    // Sent again (a retry): nothing is written twice.
    expect((await http.post('/inputs').send(batch).expect(201)).body).toEqual({ written: 0 });
  });

  it('stores each input in the daily partition of its instant', async () => {
    const { rows } = await own.query<{ partition: string; n: number }>(
      'SELECT tableoid::regclass::text AS partition, count(*)::int AS n FROM report_inputs WHERE metric = $1 GROUP BY 1 ORDER BY 1',
      [metric],
    );
    expect(rows).toEqual([
      { partition: partitionFor('report_inputs', 'day', new Date(yesterday.getTime() - DAY)).name, n: 1 },
      { partition: partitionFor('report_inputs', 'day', yesterday).name, n: sent.length },
      { partition: partitionFor('report_inputs', 'day', startOfToday).name, n: 1 },
    ]);
  });

  it.each(['sum', 'count', 'min', 'max'] as const)('%s per hour and dimension equals the exact values computed here', async (aggregate) => {
    const definition = await createDefinition({ metric, aggregate, interval: 'hour', groupByDimension: true });
    const report = await http.post(`/definitions/${definition.id}/reports`).send(window).expect(201);
    const rows = expected('hour', true).map((row) => ({ bucket: row.bucket, dimension: row.dimension, value: row[aggregate] }));
    expect(report.body).toMatchObject({ definitionId: definition.id, ...window, rowCount: rows.length });
    expect(report.body.rows).toEqual(rows);
  });

  it('avg per day equals sum / count computed here (to 12 decimal places)', async () => {
    const definition = await createDefinition({ metric, aggregate: 'avg', interval: 'day' });
    const report = await http.post(`/definitions/${definition.id}/reports`).send(window).expect(201);
    const [day] = expected('day', false);
    expect(report.body.rows).toHaveLength(1);
    expect(report.body.rows[0]).toEqual({ bucket: yesterday.toISOString(), value: expect.any(String) });
    const error = new Prisma.Decimal(report.body.rows[0].value).minus(day!.avg).abs();
    expect(error.lessThan('1e-12')).toBe(true);
  });

  it('reads a generated report back, lists it newest first without its rows, and answers 404 for unknown ids', async () => {
    const definition = await createDefinition({ metric, aggregate: 'sum', interval: 'day', groupByDimension: true });
    const first = await http.post(`/definitions/${definition.id}/reports`).send(window).expect(201);
    const second = await http.post(`/definitions/${definition.id}/reports`).send(window).expect(201);
    expect(second.body.rows).toEqual(first.body.rows);
    expect(first.body.rows).toEqual(expected('day', true).map((row) => ({ bucket: row.bucket, dimension: row.dimension, value: row.sum })));
    // Read your writes: the report is there at once.
    expect((await http.get(`/reports/${first.body.id}`).expect(200)).body).toEqual(first.body);

    const page1 = await http.get(`/definitions/${definition.id}/reports`).query({ limit: 1 }).expect(200);
    const summary = { ...second.body };
    delete summary.rows;
    expect(page1.body.items).toEqual([summary]);
    const page2 = await http.get(`/definitions/${definition.id}/reports`).query({ limit: 1, cursor: page1.body.nextCursor }).expect(200);
    expect(page2.body).toEqual({ items: [expect.objectContaining({ id: first.body.id })], nextCursor: null });

    expect((await http.get(`/reports/${uuidv7()}`).expect(404)).body.code).toBe('REPORTING_REPORT_NOT_FOUND');
    const unknown = uuidv7();
    expect((await http.post(`/definitions/${unknown}/reports`).send(window).expect(404)).body.code).toBe('REPORTING_DEFINITION_NOT_FOUND');
    expect((await http.get(`/definitions/${unknown}/reports`).expect(404)).body.code).toBe('REPORTING_DEFINITION_NOT_FOUND');
  });

  it('covers the definition’s last windowDays days up to now when the run names no window', async () => {
    now = new Date(startOfToday.getTime() + 12 * HOUR);
    try {
      const definition = await createDefinition({ metric, aggregate: 'count', interval: 'day', windowDays: 2 });
      const report = await http.post(`/definitions/${definition.id}/reports`).send({}).expect(201);
      expect(report.body).toMatchObject({ from: new Date(now.getTime() - 2 * DAY).toISOString(), to: now.toISOString() });
      // From noon two days ago: the input one millisecond before yesterday, yesterday's, and today's.
      expect(report.body.rows).toEqual([
        { bucket: new Date(yesterday.getTime() - DAY).toISOString(), value: '1' },
        { bucket: yesterday.toISOString(), value: String(sent.length) },
        { bucket: startOfToday.toISOString(), value: '1' },
      ]);
    } finally {
      now = realNow;
    }
  });
});

describe('definitions', () => {
  it('creates, reads and lists definitions newest first; a taken name is 409, an unknown id 404', async () => {
    const first = await createDefinition({ metric: 'm', aggregate: 'max', interval: 'hour', description: 'peak per hour' });
    const second = await createDefinition({ metric: 'm', aggregate: 'min', interval: 'day' });
    expect(second).toEqual({
      id: expect.any(String),
      name: second.name,
      description: null,
      metric: 'm',
      aggregate: 'min',
      interval: 'day',
      groupByDimension: false,
      windowDays: 7,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect((await http.get(`/definitions/${first.id}`).expect(200)).body).toEqual(first);
    const page = await http.get('/definitions').query({ limit: 2 }).expect(200);
    expect(page.body.items.map((item: { id: string }) => item.id)).toEqual([second.id, first.id]);
    expect(page.body.nextCursor).toEqual(expect.any(String));

    const taken = await http.post('/definitions').send({ name: first.name, metric: 'x', aggregate: 'sum', interval: 'day' }).expect(409);
    expect(taken.body).toMatchObject({ code: 'REPORTING_DEFINITION_EXISTS', message: expect.stringContaining(first.name) });
    expect((await http.get(`/definitions/${uuidv7()}`).expect(404)).body.code).toBe('REPORTING_DEFINITION_NOT_FOUND');
  });
});

describe('windows and inputs outside the retention', () => {
  it('refuses a reversed window, or one outside the kept inputs, with 400 naming the field, storing nothing', async () => {
    const definition = await createDefinition({ metric: 'windows', aggregate: 'sum', interval: 'day' });
    const run = (body: object) => http.post(`/definitions/${definition.id}/reports`).send(body).expect(400);
    const fieldOf = (answer: request.Response) => answer.body.fields.map((problem: { field: string }) => problem.field);

    const reversed = await run({ from: startOfToday.toISOString(), to: yesterday.toISOString() });
    expect(reversed.body).toMatchObject({ code: 'INVALID_REQUEST', message: [expect.stringMatching(/^to .*must be after from/)] });
    expect(fieldOf(reversed)).toEqual(['to']);
    expect(fieldOf(await run({ from: startOfToday.toISOString(), to: startOfToday.toISOString() }))).toEqual(['to']);
    const tooOld = await run({ from: new Date(realNow.getTime() - 91 * DAY).toISOString(), to: startOfToday.toISOString() });
    expect(fieldOf(tooOld)).toEqual(['from']);
    expect(tooOld.body.message[0]).toContain('outside the window inputs are kept in');
    expect(fieldOf(await run({ from: yesterday.toISOString(), to: new Date(realNow.getTime() + 10 * DAY).toISOString() }))).toEqual(['to']);
    expect(fieldOf(await run({ from: new Date(realNow.getTime() + DAY).toISOString() }))).toEqual(['from']);
    const stored = await own.query('SELECT 1 FROM generated_reports WHERE definition_id = $1', [definition.id]);
    expect(stored.rows).toEqual([]);

    const metric = `late.${randomUUID()}`;
    const late = await http
      .post('/inputs')
      .send({ inputs: [input(metric, yesterday, 1n), input(metric, new Date(realNow.getTime() - 91 * DAY), 1n)] })
      .expect(400);
    expect(late.body).toMatchObject({
      code: 'REPORTING_INPUT_OUTSIDE_RETENTION',
      message: expect.stringContaining('inputs[1].occurredAt'),
    });
    const written = await own.query('SELECT 1 FROM report_inputs WHERE metric = $1', [metric]);
    expect(written.rows).toEqual([]);
  });
});

describe('retention on both sides', () => {
  it('drops expired input partitions in both places, keeps the reports made from them, and makes the next partitions', async () => {
    const metric = `retention.${randomUUID()}`;
    const eightyDaysAgo = new Date(startOfToday.getTime() - 80 * DAY + 6 * HOUR);
    const oldInputs = partitionFor('report_inputs', 'day', eightyDaysAgo).name;
    const window = {
      from: new Date(eightyDaysAgo.getTime() - HOUR).toISOString(),
      to: new Date(eightyDaysAgo.getTime() + HOUR).toISOString(),
    };
    const reportIds: Record<string, string> = {};
    const definition = { metric, aggregate: 'sum', interval: 'hour' };
    try {
      for (const side of ['monolith', 'service'] as const) {
        flags.set(sideDefinitions(REPORTING_SERVICE, side));
        const created = await createDefinition(definition);
        await http
          .post('/inputs')
          .send({ inputs: [input(metric, eightyDaysAgo, 123_4567n), input(metric, eightyDaysAgo, -2_0000n)] })
          .expect(201);
        const report = await http.post(`/definitions/${created.id}/reports`).send(window).expect(201);
        expect(report.body.rows).toEqual([
          { bucket: new Date(startOfToday.getTime() - 80 * DAY + 6 * HOUR).toISOString(), value: '121.4567' },
        ]);
        reportIds[side] = report.body.id;
      }
      // An expired report partition, as if the service had run for more than a year.
      const expiredReports = partitionFor('generated_reports', 'month', new Date(realNow.getTime() - 400 * DAY));
      for (const { pool, schema } of sides()) await pool.query(createTimePartitionSql(`${schema}generated_reports`, expiredReports));

      // Fifteen days on: yesterday's inputs are 16 days old, those of 80 days ago past the 90 days.
      now = new Date(realNow.getTime() + 15 * DAY);
      const result = await app.get(ReportPartitions).maintain();
      expect(result.inputs.map((place) => place.database).sort()).toEqual([
        'analytics/analytics-primary/neo_reporting',
        'monolith/monolith-primary/neo_service_layer/reporting',
      ]);
      for (const place of [...result.inputs, ...result.reports]) expect(place).not.toHaveProperty('error');

      for (const { name, pool, schema } of sides()) {
        const inputs = await partitions(pool, `${schema}report_inputs`);
        expect(inputs, name).not.toContain(oldInputs);
        for (let day = 0; day <= 3; day++)
          expect(inputs, name).toContain(partitionFor('report_inputs', 'day', new Date(now.getTime() + day * DAY)).name);
        expect(inputs, name).toContain(partitionFor('report_inputs', 'day', yesterday).name);
        const reports = await partitions(pool, `${schema}generated_reports`);
        expect(reports, name).not.toContain(expiredReports.name);
        expect(reports, name).toContain(partitionFor('generated_reports', 'month', now).name);
        expect(reports, name).toContain(
          partitionFor('generated_reports', 'month', new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))).name,
        );
        const gone = await pool.query(`SELECT 1 FROM ${schema}report_inputs WHERE metric = $1`, [metric]);
        expect(gone.rows, name).toEqual([]);
        // The report made on this side is still there, whole; the other side's never was.
        const kept = await pool.query<{ id: string; rows: unknown }>(
          `SELECT id, rows FROM ${schema}generated_reports WHERE id = ANY($1::uuid[])`,
          [Object.values(reportIds)],
        );
        expect(kept.rows, name).toEqual([{ id: reportIds[name], rows: [{ bucket: expect.any(String), value: '121.4567' }] }]);
      }
      // Through the API (on the service side now).
      expect((await http.get(`/reports/${reportIds['service']}`).expect(200)).body.rows).toEqual([
        { bucket: expect.any(String), value: '121.4567' },
      ]);
    } finally {
      flags.set(sideDefinitions(REPORTING_SERVICE, 'service'));
      now = realNow;
      await app.get(ReportPartitions).maintain();
    }
  });
});

describe('operations', () => {
  it('reports both sides on GET /health and its connection pool on GET /metrics', async () => {
    const health = await http.get('/health').expect(200);
    expect(health.body.info.database).toMatchObject({ status: 'up', service: 'reporting' });
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/neo_data_pool_acquisitions_total\{database="neo_reporting",[^}]*service="reporting"\} [1-9]/);
  });
});
