import { readFile } from 'node:fs/promises';
import { Logger } from '@nestjs/common';
import { bindTopology, loadTopology, type Endpoints } from '@neo/data';
import { createOracleApp } from './create-oracle-app.js';
import { readOracleEnvironment } from './oracle-environment.js';

/**
 * Starts the oracle service:
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3102 HOST=127.0.0.1 node apps/oracle/dist/main.js
 */
async function main(): Promise<void> {
  const environment = readOracleEnvironment();
  const declared = await loadTopology({ path: environment.topologyPath });
  const endpoints = environment.endpointsPath
    ? (JSON.parse(await readFile(environment.endpointsPath, 'utf8')) as Endpoints)
    : {};
  const topology = bindTopology(declared, endpoints);

  const app = await createOracleApp({ topology });
  // SIGINT / SIGTERM run the shutdown hooks: the HTTP server stops, then the cache and pools close.
  app.enableShutdownHooks();
  await app.listen(environment.port, environment.host);
  new Logger('oracle').log(`listening on http://${environment.host}:${environment.port}`);
}

main().catch((error: unknown) => {
  // The message only: errors of the data layer are written to be shown, stacks are noise here.
  console.error(`oracle failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
