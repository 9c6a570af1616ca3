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
import { AUTOMATION_SERVICE } from './app.module.js';
import { createAutomationApp } from './create-automation-app.js';
import { Scheduler } from './jobs/scheduler.js';

/* The automation service on its own database (neo_automation on the application cluster), with two instances scheduling. */

describe('automation service on its own database', () => {
  let first: INestApplication;
  let second: INestApplication;
  let http: ReturnType<typeof request>;
  let db: pg.Pool;

  beforeAll(async () => {
    const { topology } = useSharedTopology();
    await migrateFleet({ topology, services: [AUTOMATION_SERVICE], monolith: false });
    db = new pg.Pool({ ...toPgPoolConfig(serviceTargets(topology, AUTOMATION_SERVICE).primary), max: 2 });
    first = await createAutomationApp({ topology, scheduler: { tickMs: 20 } }, { logger: false });
    second = await createAutomationApp({ topology, scheduler: { tickMs: 20 } }, { logger: false });
    await first.listen(0, '127.0.0.1');
    await second.init();
    http = request(await first.getUrl());
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await db?.end();
  });

  it('creates a job with its next run, and refuses a bad schedule (400) or a taken name (409)', async () => {
    const name = `nightly-report-${randomUUID()}`;
    const job = await http.post('/jobs').send({ name, schedule: '0 3 * * *' }).expect(201);
    expect(job.body).toMatchObject({ name, schedule: '0 3 * * *', nextRunAt: expect.stringMatching(/T03:00:00\.000Z$/) });
    expect((await http.get(`/jobs/${job.body.id}`).expect(200)).body).toEqual(job.body);
    expect((await http.post('/jobs').send({ name, schedule: '0 4 * * *' }).expect(409)).body).toMatchObject({
      code: 'AUTOMATION_JOB_EXISTS',
    });
    const bad = await http.post('/jobs').send({ name: 'x', schedule: 'every minute' }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('schedule');
    await http.get(`/jobs/${uuidv7()}`).expect(404);
    await http.get(`/jobs/${uuidv7()}/runs`).expect(404);
  });

  it('fires each due run exactly once with two instances ticking: a job every second, for 4 seconds', async () => {
    const firedBefore = first.get(Scheduler).fired + second.get(Scheduler).fired;
    const id = (
      await http
        .post('/jobs')
        .send({ name: `heartbeat-${randomUUID()}`, schedule: '* * * * * *' })
        .expect(201)
    ).body.id as string;
    await sleep(4_200);
    // Both schedulers stop, so the count below is final.
    await first.get(Scheduler).onModuleDestroy();
    await second.get(Scheduler).onModuleDestroy();
    const { rows } = await db.query<{ scheduled_for: Date; fired_by: string }>(
      'SELECT scheduled_for, fired_by FROM job_runs WHERE job_id = $1 ORDER BY scheduled_for',
      [id],
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    // One run per second, none twice: consecutive due instants one second apart.
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.scheduled_for.getTime() - rows[i - 1]!.scheduled_for.getTime()).toBe(1_000);
    const firedAfter = first.get(Scheduler).fired + second.get(Scheduler).fired;
    expect(firedAfter - firedBefore).toBe(rows.length);

    const runs = await http.get(`/jobs/${id}/runs`).query({ limit: 2 }).expect(200);
    expect(runs.body.items).toHaveLength(2);
    // Newest first.
    expect(Date.parse(runs.body.items[0].scheduledFor)).toBeGreaterThan(Date.parse(runs.body.items[1].scheduledFor));
  });

  it('reports its database on GET /health and its connection pool on GET /metrics', async () => {
    const health = await http.get('/health').expect(200);
    expect(health.body.info.database).toMatchObject({ status: 'up', service: 'automation' });
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/neo_data_pool_acquisitions_total\{database="neo_automation",[^}]*service="automation"\} [1-9]/);
  });
});
