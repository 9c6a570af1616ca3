import { DATA_SOURCE, migrateFleet, type DataSource } from '@neo/data';
import { useSharedTopology } from '@neo/testing';
import request from 'supertest';
import { it } from 'vitest';
import { createStorageApp } from './create-storage-app.js';

it('debug', async () => {
  const { topology } = useSharedTopology();
  await migrateFleet({ topology, services: ['storage'], monolith: false });
  const app = await createStorageApp({ topology }, { logger: false });
  await app.init();
  const source = app.get<DataSource>(DATA_SOURCE);
  await source.ready();
  console.log(source.status!().map((s) => [s.label, s.inRotation, s.stats.reads, s.lag?.lagMs]));
  for (let i = 0; i < 2; i++) await request(app.getHttpServer()).get('/objects').query({ owner: 'x' }).expect(200);
  console.log(source.status!().map((s) => [s.label, s.inRotation, s.stats.reads, s.lag?.lagMs]));
  await app.close();
});
