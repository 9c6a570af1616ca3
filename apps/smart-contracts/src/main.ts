import { readFile } from 'node:fs/promises';
import { Logger } from '@nestjs/common';
import { bindTopology, loadTopology, type Endpoints } from '@neo/data';
import { createSmartContractsApp } from './create-smart-contracts-app.js';
import { readSmartContractsEnvironment } from './smart-contracts-environment.js';

/**
 * Starts the smart-contracts service:
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3103 HOST=127.0.0.1 node apps/smart-contracts/dist/main.js
 */
async function main(): Promise<void> {
  const environment = readSmartContractsEnvironment();
  const declared = await loadTopology({ path: environment.topologyPath });
  const endpoints = environment.endpointsPath
    ? (JSON.parse(await readFile(environment.endpointsPath, 'utf8')) as Endpoints)
    : {};
  const topology = bindTopology(declared, endpoints);

  const app = await createSmartContractsApp({ topology });
  // SIGINT / SIGTERM run the shutdown hooks: the HTTP server stops, then every shard's pools close.
  app.enableShutdownHooks();
  await app.listen(environment.port, environment.host);
  new Logger('smart-contracts').log(`listening on http://${environment.host}:${environment.port}`);
}

main().catch((error: unknown) => {
  // The message only: errors of the data layer are written to be shown, stacks are noise here.
  console.error(`smart-contracts failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
