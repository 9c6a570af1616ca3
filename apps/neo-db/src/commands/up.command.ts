import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadTopology, migrateFleet, type Topology } from '@neo/data';
import { startTopology, type RunningTopology } from '@neo/topology-runtime';
import { localServices } from '../local-services.js';
import { startServiceProcess, type RunningService } from '../service-process.js';
import { workspacePaths } from '../workspace-paths.js';
import { printSummary } from '../print-summary.js';

export interface UpOptions {
  wipe: boolean;
  provider: 'auto' | 'embedded' | 'testcontainers' | 'external';
  /** Start only the databases, not the services. */
  servicesToo: boolean;
  log: (line: string) => void;
}

/**
 * The main job: bring the whole local topology up (every cluster with its replicas, and the
 * monolith), migrate every service database and shard, start the services, print where
 * everything is, and stop it all cleanly on Ctrl-C.
 */
export async function up(options: UpOptions): Promise<void> {
  const paths = workspacePaths();
  const declared: Topology = loadTopology({ path: paths.topologyFile });
  let running: RunningTopology | undefined;
  const services: RunningService[] = [];
  let stopping: Promise<void> | undefined;

  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      options.log('stopping services and servers…');
      await Promise.allSettled(services.map((s) => s.stop()));
      await running?.stop();
      options.log('everything stopped; data kept in ' + paths.localDataDir);
    })());

  const onSignal = (): void => {
    void stopAll().then(() => process.exit(0));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    running = await startTopology(declared, {
      provider: options.provider,
      dataDir: paths.localDataDir,
      wipe: options.wipe,
      log: options.log,
    });
    mkdirSync(dirname(paths.endpointsFile), { recursive: true });
    writeFileSync(paths.endpointsFile, JSON.stringify(running.endpoints, null, 2) + '\n');

    const summary = await migrateFleet({ topology: running.topology, prismaRoot: paths.prismaRoot, log: options.log });
    options.log(`migrations: ${summary.length} targets up to date`);

    if (options.servicesToo) {
      const env = { ...process.env, NEO_TOPOLOGY: paths.topologyFile, NEO_ENDPOINTS: paths.endpointsFile };
      for (const service of localServices) {
        services.push(await startServiceProcess(service, { root: paths.root, env, log: options.log }));
      }
    }
    printSummary(running, services, paths, options.log);
    options.log('press Ctrl-C to stop');
  } catch (error) {
    await stopAll();
    throw error;
  }
}
