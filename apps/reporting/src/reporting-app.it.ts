import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { migrateFleet } from '@neo/data/migrations';
import { uuidv7 } from '@neo/data';
import { useSharedTopology } from '@neo/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORTING_SERVICE } from './app.module.js';
import { createReportingApp } from './create-reporting-app.js';

/* The reporting service on its own database of the shared test topology (the analytics cluster). */

describe('reporting service on its own database', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    const { topology } = useSharedTopology();
    await migrateFleet({ topology, services: [REPORTING_SERVICE], monolith: false });
    app = await createReportingApp({ topology }, { logger: false });
    await app.init();
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
  });

  it('creates an item, reads it back and lists it; a taken name is 409, an unknown id 404', async () => {
    const name = `item-${randomUUID()}`;
    const created = await http.post('/items').send({ name }).expect(201);
    expect(created.body).toEqual({ id: expect.any(String), name, createdAt: expect.stringMatching(/^\d{4}-/) });
    expect((await http.get(`/items/${created.body.id}`).expect(200)).body).toEqual(created.body);
    const listed = await http.get('/items').query({ limit: 100 }).expect(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(created.body.id);

    const conflict = await http.post('/items').send({ name }).expect(409);
    expect(conflict.body).toMatchObject({ code: 'REPORTING_ITEM_EXISTS' });
    expect((await http.get(`/items/${uuidv7()}`).expect(404)).body).toMatchObject({ code: 'REPORTING_ITEM_NOT_FOUND' });
  });

  it('reports its database on GET /health and its connection pool on GET /metrics', async () => {
    const health = await http.get('/health').expect(200);
    expect(health.body.info.database).toMatchObject({ status: 'up', service: 'reporting' });
    const metrics = await http.get('/metrics').expect(200);
    expect(metrics.text).toMatch(/neo_data_pool_acquisitions_total\{database="neo_reporting",[^}]*service="reporting"\} [1-9]/);
  });
});
