import { DATA_SOURCE, migrateFleet, type DataSource } from '@neo/data';
import { useSharedTopology } from '@neo/testing';
import { it } from 'vitest';
import { createStorageApp } from './create-storage-app.js';

it('probe', async () => {
  const { topology } = useSharedTopology();
  await migrateFleet({ topology, services: ['storage'], monolith: false });
  const app = await createStorageApp({ topology }, { logger: false });
  await app.init();
  const source = app.get<DataSource>(DATA_SOURCE);
  await source.ready();
  for (let i = 0; i < 4; i++) {
    const t = performance.now();
    console.log(Math.round(t), JSON.stringify(source.status!().filter((s) => s.role === 'replica').map((s) => [s.label.split('/')[2], s.inRotation, s.lag?.lagMs, s.lag?.lagBytes, Math.round(t - (s.lag?.sampledAt ?? 0))])));
    await new Promise((r) => setTimeout(r, 300));
  }
  await app.close();
});
