import { it } from 'vitest';
import { startTopology } from '@neo/topology-runtime';
import { loadTestTopology } from './shared-topology-options.js';
it('smoke', async () => {
  const t0 = performance.now();
  const at = () => Math.round(performance.now() - t0);
  const rt = await startTopology(loadTestTopology(), { log: (l) => { if (/cluster|up in/.test(l)) console.log(at(), l); } });
  console.log(at(), 'started');
  await rt.stop();
  console.log(at(), 'stopped');
}, 120000);
