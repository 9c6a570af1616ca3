import { Global, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { DataHealthIndicator } from './data-health.indicator.js';
import { DataHealthModule } from './data-health.module.js';

type Status = 'up' | 'down';

/** Stands in for the global `DataModule`: an indicator that answers with the given status. */
function fakeDataModule(status: Status) {
  const indicator = {
    isHealthy: async (key: string) => ({ [key]: { status, nodes: {} } }),
    isReady: async (key: string) => ({ [key]: { status } }),
  };
  @Global()
  @Module({ providers: [{ provide: DataHealthIndicator, useValue: indicator }], exports: [DataHealthIndicator] })
  class FakeDataModule {}
  return FakeDataModule;
}

describe('DataHealthModule', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(status: Status): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ imports: [fakeDataModule(status), DataHealthModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  it('answers GET /health with 200 and the database check while the indicator says up', async () => {
    const response = await request((await start('up')).getHttpServer())
      .get('/health')
      .expect(200);
    expect(response.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('answers GET /health with 503 naming the database when the indicator says down', async () => {
    const response = await request((await start('down')).getHttpServer())
      .get('/health')
      .expect(503);
    expect(response.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
  });

  it('answers GET /health/ready from the readiness check, and GET /health/live without asking the database', async () => {
    const http = request((await start('down')).getHttpServer());
    const ready = await http.get('/health/ready').expect(503);
    expect(ready.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
    expect(ready.body.error.database.nodes).toBeUndefined();
    const live = await http.get('/health/live').expect(200);
    expect(live.body).toMatchObject({ status: 'ok', info: {} });
  });
});
