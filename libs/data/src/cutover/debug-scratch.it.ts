import pg from 'pg';
import { afterAll, beforeAll, it } from 'vitest';
import { copyService } from './copy-service.js';
import { adminConfig } from './cutover-context.js';
import { loadCutoverPlan } from './load-plan.js';
import { verifyService } from './verify.js';
import { startCutoverFixture, type CutoverFixture } from './test-support/cutover-fixture.js';
import { TRANSACTIONS, WriteLoad, sleep } from './test-support/write-load.js';
import { WriteFence } from './write-fence.js';
import { monolithSide } from './replication-links.js';
import { moveWrites } from './move-writes.js';
import { cutoverStatus } from './cutover-status.js';

let fixture: CutoverFixture;
let load: WriteLoad;
beforeAll(async () => {
  fixture = await startCutoverFixture({ service: 'smartcontracts' });
}, 180_000);
afterAll(async () => { await load?.stop(); await fixture?.stop(); });

it('debug', async () => {
  const plan = await loadCutoverPlan(fixture.context, 'smartcontracts');
  load = new WriteLoad(fixture, plan, TRANSACTIONS, fixture.context.flags);
  await load.seed(1000);
  await load.start();
  await copyService(fixture.context, 'smartcontracts');
  await moveWrites(fixture.context, 'smartcontracts', 'service');
  for (let i = 0; i < 5; i++) {
    const [st] = await cutoverStatus(fixture.context, ['smartcontracts']);
    console.log(JSON.stringify(st!.replication.map((l) => [l.name, l.workerRunning, l.lagBytes, l.lagMs, l.problem])));
    await sleep(1000);
  }
  const { execSync } = await import('node:child_process');
  console.log(execSync(`tail -n 30 ${fixture.running.dataDir}/monolith/*.log`).toString());
}, 300_000);
