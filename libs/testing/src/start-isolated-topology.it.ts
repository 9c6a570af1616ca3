import { afterAll, describe, expect, it } from 'vitest';
import type { RunningTopology } from '@neo/topology-runtime';
import { connectClient, withClient } from './pg-client.js';
import { loadTestTopology } from './shared-topology-options.js';
import { startIsolatedTopology } from './start-isolated-topology.js';

describe('startIsolatedTopology', () => {
  let running: RunningTopology | undefined;
  afterAll(async () => running?.stop());

  it('starts its own servers, which a test may stop and start again', async () => {
    const core = loadTestTopology().clusters['core']!;
    running = await startIsolatedTopology({ clusters: ['core'] });
    const primary = running.topology.clusters['core']!.primary;
    const login = {
      host: primary.host!,
      port: primary.port!,
      user: core.credentials.user,
      password: core.credentials.password,
      database: 'postgres',
      tls: running.topology.clusters['core']!.tls,
    };
    await expect(withClient(login, async (client) => (await client.query('select 1 as one')).rows)).resolves.toEqual([{ one: 1 }]);

    await running.stopNode('core', primary.name);
    await expect(connectClient(login)).rejects.toThrow(/ECONNREFUSED/);
    await running.startNode('core', primary.name);
    await expect(withClient(login, async (client) => (await client.query('select 1 as one')).rows)).resolves.toEqual([{ one: 1 }]);
  });
});
