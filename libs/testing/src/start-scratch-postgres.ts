import { topologySchema } from '@neo/topology';
import {
  startScratchPostgres as startEmbeddedScratch,
  startTopology,
  type ScratchPostgres,
  type ScratchPostgresOptions,
} from '@neo/topology-runtime';
import { testProvider } from './shared-topology-options.js';

/**
 * One throwaway PostgreSQL 15 superuser server for a test, from the tests' provider: embedded by
 * default, a container under `NEO_TEST_PROVIDER=testcontainers`. `stop()` removes everything.
 */
export async function startScratchPostgres(options: ScratchPostgresOptions & { env?: NodeJS.ProcessEnv } = {}): Promise<ScratchPostgres> {
  const { env, ...scratchOptions } = options;
  if (testProvider(env) !== 'testcontainers') return startEmbeddedScratch(scratchOptions);
  // A one-node topology with no services: the provider makes the server, its superuser and an unused monolith database.
  const topology = topologySchema.parse({
    version: 1,
    clusters: { scratch: { temperature: 'hot', credentials: { user: 'scratch' }, primary: { name: 'scratch-primary' } } },
    services: {},
    monolith: { cluster: 'scratch', database: 'scratch' },
  });
  const running = await startTopology(topology, { provider: 'testcontainers', ...(options.log ? { log: options.log } : {}) });
  const { host, port } = running.endpoints['scratch/scratch-primary']!;
  const { user, password = '' } = running.admin['scratch']!;
  return {
    url: `postgresql://${user}:${encodeURIComponent(password)}@${host}:${port}/postgres`,
    host,
    port,
    user,
    password,
    dataDir: '',
    stop: () => running.stop(),
  };
}
