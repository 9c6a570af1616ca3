import { readFile } from 'node:fs/promises';
import { Logger } from '@nestjs/common';
import { bindTopology, loadTopology, type Endpoints } from '@neo/data';
import { createMonitoringApp } from './create-monitoring-app.js';
import { readMonitoringEnvironment } from './monitoring-environment.js';
import { retentionFromTopology } from './partitions/retention-settings.js';

/**
 * Starts the monitoring service:
 *   NEO_TOPOLOGY=config/topology.yaml NEO_ENDPOINTS=<endpoints.json> PORT=3104 HOST=127.0.0.1 node apps/monitoring/dist/main.js
 */
async function main(): Promise<void> {
  const declared = await loadTopology({ path: readMonitoringEnvironment().topologyPath });
  // retention as the topology declares it, unless MONITORING_* variables say otherwise
  const environment = readMonitoringEnvironment(process.env, retentionFromTopology(declared));
  const endpoints = environment.endpointsPath
    ? (JSON.parse(await readFile(environment.endpointsPath, 'utf8')) as Endpoints)
    : {};
  const topology = bindTopology(declared, endpoints);

  const app = await createMonitoringApp({ topology, retention: environment.retention });
  // SIGINT / SIGTERM run the shutdown hooks: the partition job stops, the HTTP server stops, then the pools close.
  app.enableShutdownHooks();
  await app.listen(environment.port, environment.host);
  new Logger('monitoring').log(`listening on http://${environment.host}:${environment.port}`);
}

main().catch((error: unknown) => {
  // The message only: errors of the data layer are written to be shown, stacks are noise here.
  console.error(`monitoring failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
