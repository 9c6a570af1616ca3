import { readFile } from 'node:fs/promises';
import { Logger, type INestApplication } from '@nestjs/common';
import { bindTopology, loadTopology, type Endpoints, type Topology } from '@neo/topology';
import { readServiceEnvironment, type ServiceEnvironment } from './service-environment.js';

/** What a service's `createApp` is given to build its application. */
export interface ServiceStartContext {
  /** The topology as declared in the file, before the endpoints were bound. */
  declared: Topology;
  /** The declared topology with every node's host and port from `NEO_ENDPOINTS`. */
  topology: Topology;
  environment: ServiceEnvironment;
}

export interface BootstrapServiceOptions {
  /** The service's name: the logger's context and the start of the failure message. */
  name: string;
  /** Its name in the topology (`services.<name>`), when it differs from `name`: it needs only its own logins' passwords. */
  topologyService?: string;
  /** The port it listens on when `PORT` is not set. */
  defaultPort: number;
  /** Builds the service's Nest application (not yet listening). */
  createApp(context: ServiceStartContext): Promise<INestApplication>;
  /** The environment to read the settings from; `process.env` by default. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A service's `main`: reads its environment (`NEO_TOPOLOGY`, `NEO_ENDPOINTS`, `PORT`, `HOST`),
 * loads and binds the topology, builds the app and listens. A failure to start is written as its
 * message alone and sets the exit code 1; the returned promise never rejects.
 */
export async function bootstrapService(options: BootstrapServiceOptions): Promise<void> {
  try {
    await startService(options);
  } catch (error: unknown) {
    // The message only: errors of the data layer are written to be shown, stacks are noise here.
    console.error(`${options.name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

async function startService({
  name,
  topologyService = name,
  defaultPort,
  createApp,
  env = process.env,
}: BootstrapServiceOptions): Promise<void> {
  const environment = readServiceEnvironment(env, { defaultPort });
  const declared = loadTopology({ path: environment.topologyPath }, { env, forService: topologyService });
  const endpoints = environment.endpointsPath ? (JSON.parse(await readFile(environment.endpointsPath, 'utf8')) as Endpoints) : {};
  const topology = bindTopology(declared, endpoints);

  const app = await createApp({ declared, topology, environment });
  // SIGINT / SIGTERM run the shutdown hooks: the HTTP server stops, then the service's own
  // shutdown (background jobs, cache, every pool) runs, so the process exits with no open handle.
  app.enableShutdownHooks();
  await app.listen(environment.port, environment.host);
  new Logger(name).log(`listening on http://${environment.host}:${environment.port}`);
}
