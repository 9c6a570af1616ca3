import { randomBytes } from 'node:crypto';
import getPort from 'get-port';
import type { GenericContainer as GenericContainerClass, StartedNetwork, StartedTestContainer, Wait as WaitClass } from 'testcontainers';
import { TopologyRuntimeError } from '../errors.js';
import { renderPgBouncerAuthFile, renderPgBouncerIni, type PgBouncerPlan, type PgBouncerServer } from '../pgbouncer/pgbouncer-config.js';
import { PUBLISHED_HOST } from './loopback-container.js';
import { PGBOUNCER_ADMIN_USER, type PgBouncerLaunch, type RunningPgBouncer } from '../pgbouncer/pgbouncer-process.js';

/** Built by `npm run containers:setup` on the PostgreSQL image's file system (Debian bookworm's PgBouncer 1.18). */
export const LOCAL_PGBOUNCER_IMAGE = 'neo-pgbouncer:1.18-bookworm';
/** Where the image's entrypoint expects the configuration; it hands the folder to the postgres user. */
const CONFIG_DIR = '/etc/neo-pgbouncer';
const PGBOUNCER_PORT = 6432;

export interface PgBouncerContainerSetting {
  /** testcontainers' class, publishing on 127.0.0.1 only (`loopbackContainer`). */
  GenericContainer: typeof GenericContainerClass;
  Wait: typeof WaitClass;
  image: string;
  network: StartedNetwork;
  labels: Record<string, string>;
  /** Where a server of the cluster listens on the network: its alias and port 5432. */
  inNetwork(cluster: string, node: string): { host: string; port: number };
  /** Each started container, so the run's `stop()` removes it with the rest. */
  started(container: StartedTestContainer): void;
}

/**
 * One cluster's PgBouncer as a container on the run's network: it reaches the servers by their
 * aliases (so the replicas, all on port 5432, share the `_ro` entries round-robin as in
 * production), and is published on a fixed port of 127.0.0.1 like the servers. The configuration
 * is generated as for a local PgBouncer and copied in before the start (the auth file holds the
 * roles' SCRAM secrets: it is never passed through the environment or the command line).
 */
export async function startPgBouncerContainer(launch: PgBouncerLaunch, setting: PgBouncerContainerSetting): Promise<RunningPgBouncer> {
  const { GenericContainer, Wait } = setting;
  const hostPort = await getPort();
  const server = (node: PgBouncerServer): PgBouncerServer => ({ node: node.node, ...setting.inNetwork(launch.cluster, node.node) });
  const plan: PgBouncerPlan = {
    cluster: launch.cluster,
    settings: launch.settings,
    listen: { host: '0.0.0.0', port: PGBOUNCER_PORT },
    primary: server(launch.primary),
    replicas: launch.replicas.map(server),
    databases: launch.databases,
    credentials: launch.credentials,
    ...(launch.logins ? { logins: launch.logins } : {}),
    admin: { user: PGBOUNCER_ADMIN_USER, password: randomBytes(18).toString('base64url') },
    dir: CONFIG_DIR,
  };
  let container: StartedTestContainer;
  try {
    container = await new GenericContainer(setting.image)
      .withNetwork(setting.network)
      .withLabels(setting.labels)
      .withCopyContentToContainer([
        { content: renderPgBouncerIni(plan), target: `${CONFIG_DIR}/pgbouncer.ini` },
        { content: renderPgBouncerAuthFile(plan), target: `${CONFIG_DIR}/users.txt`, mode: 0o600 },
      ])
      .withExposedPorts({ container: PGBOUNCER_PORT, host: hostPort })
      .withWaitStrategy(Wait.forLogMessage(/process up/))
      .withStartupTimeout(60_000)
      .start();
  } catch (cause) {
    throw new TopologyRuntimeError(
      'RUNTIME_SERVER_START_FAILED',
      `PgBouncer of cluster "${launch.cluster}" did not start in a container of ${setting.image}: ${(cause as Error).message}`,
      { cause },
    );
  }
  setting.started(container);
  return {
    cluster: launch.cluster,
    host: PUBLISHED_HOST,
    port: hostPort,
    admin: plan.admin,
    configFile: `${container.getName().replace(/^\//, '')}:${CONFIG_DIR}/pgbouncer.ini`,
    async stop() {
      await container.stop({ remove: true, removeVolumes: true });
    },
  };
}
