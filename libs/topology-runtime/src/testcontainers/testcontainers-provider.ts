import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import getPort from 'get-port';
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import { replicationCredentials } from '@neo/topology';
import { TopologyRuntimeError } from '../errors.js';
import type { ProviderRun } from '../provider-run.js';
import { provisionCluster } from '../provisioning/provision-cluster.js';
import { provisionRoles } from '../provisioning/provision-roles.js';
import { waitForReplicaStreaming } from '../replication/wait-for-replica-streaming.js';
import { slotNameFor } from '../embedded/standby-config.js';
import type { ClusterPlan } from '../topology-plan.js';
import { endpointKey, type Endpoints, type StartTopologyOptions } from '../topology-runtime.types.js';
import { discardLogLine } from '../log-line.js';
import { networkNameFor, OWNER_LABEL, startContainerWatchdog } from './container-watchdog.js';
import { loopbackContainer, PUBLISHED_HOST } from './loopback-container.js';
import { LOCAL_PGBOUNCER_IMAGE, startPgBouncerContainer } from './pgbouncer-container.js';
import { choosePostgresImage, imageExists } from './postgres-image.js';

const RYUK_IMAGE = 'testcontainers/ryuk:0.14.0';
/** Published on the loopback only, like the embedded servers. */
const HOST = PUBLISHED_HOST;
const SERVER_FLAGS = [
  'postgres',
  '-c',
  'wal_level=logical',
  '-c',
  'max_wal_senders=40',
  '-c',
  'max_replication_slots=40',
  '-c',
  'max_logical_replication_workers=32',
  '-c',
  'max_worker_processes=40',
  '-c',
  'wal_retrieve_retry_interval=1s',
  '-c',
  'hot_standby=on',
  '-c',
  'hot_standby_feedback=on',
  '-c',
  'shared_preload_libraries=pg_stat_statements',
  '-c',
  'max_connections=200',
];

/**
 * Ready means the server accepts connections over TCP: the image's first-start server (initdb's
 * set-up) listens on its socket only, and a replica answers only once it is consistent. Unlike
 * counting log lines, this holds after a restart too (testcontainers waits again on `restart()`).
 */
const READY_OVER_TCP = 'pg_isready -q -h 127.0.0.1 -p 5432';

/**
 * A node's name on the run's container network: `<node>.<cluster>`, unique across clusters (node
 * names are unique only within one, and neither holds a dot).
 */
function networkAliasFor(cluster: string, node: string): string {
  return `${node}.${cluster}`;
}

/** How the other containers reach a node: its alias, on PostgreSQL's own port. */
function inNetwork(alias: string): { replicationHost: string; replicationPort: number } {
  return { replicationHost: alias, replicationPort: 5432 };
}

/**
 * Each cluster as PostgreSQL 15 containers on one container network: the primary, and replicas
 * that clone it with pg_basebackup at start. Every endpoint carries the node's in-network address
 * (`replicationHost`/`replicationPort`), which server-to-server links such as a cutover's
 * subscriptions use: inside a container, 127.0.0.1 names the container itself. Each node keeps
 * its host port for the whole run, so stopping and starting a node leaves its endpoint as it was. Every container and network is
 * labelled with this run's id and removed by `stop()`, or by a watchdog process when this process
 * ends without stopping (testcontainers' own reaper needs a registry; it is used only when its
 * image is on the machine).
 */
export async function startContainerTopology(plans: ClusterPlan[], options: StartTopologyOptions): Promise<ProviderRun> {
  const env = options.env ?? process.env;
  const log = options.log ?? discardLogLine;
  if (Number(process.versions.node.split('.')[0]) < 22) {
    // testcontainers 12 fails at import on older Node, with an error that names none of this.
    throw new TopologyRuntimeError(
      'RUNTIME_PROVIDER_UNAVAILABLE',
      `The testcontainers provider needs Node 22 or later (this is Node ${process.versions.node}); run it through npm (npm start, npm run test:containers), which uses the Node 24 that npm ci installs.`,
    );
  }
  const testcontainers = await import('testcontainers');
  const { Network, Wait, getContainerRuntimeClient } = testcontainers;
  const GenericContainer = loopbackContainer(testcontainers.GenericContainer);
  const client = await getContainerRuntimeClient();
  const image = await choosePostgresImage(client, env);
  // PgBouncer in a container when its image is here; otherwise the runtime runs the local program (if any).
  const pgbouncerImage =
    env['NEO_PGBOUNCER_IMAGE'] || ((await imageExists(client, LOCAL_PGBOUNCER_IMAGE)) ? LOCAL_PGBOUNCER_IMAGE : undefined);
  if (process.env['TESTCONTAINERS_RYUK_DISABLED'] === undefined && !(await imageExists(client, RYUK_IMAGE))) {
    // testcontainers reads this when it first needs its reaper; the watchdog below does the clean-up.
    process.env['TESTCONTAINERS_RYUK_DISABLED'] = 'true';
  }
  const runId = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const labels = { [OWNER_LABEL]: runId };
  const modem = client.container.dockerode.modem as { socketPath?: string; host?: string; port?: number };
  startContainerWatchdog(runId, { ...(modem.socketPath ? { socketPath: modem.socketPath } : { host: modem.host, port: modem.port }) });
  log(`testcontainers: image ${image}, run ${runId}`);

  const started = performance.now();
  const superuserPassword = randomBytes(18).toString('base64url');
  const containers = new Map<string, StartedTestContainer>();
  const endpoints: Endpoints = {};
  let network: StartedNetwork | undefined;
  const pgbouncerContainers: StartedTestContainer[] = [];
  const stop = async (): Promise<void> => {
    const all = [...pgbouncerContainers.splice(0), ...containers.values()];
    await Promise.allSettled(all.map((container) => container.stop({ remove: true, removeVolumes: true })));
    containers.clear();
    await network?.stop().catch(() => undefined);
  };

  try {
    // testcontainers gives networks no labels of ours: the run id in the name is what the watchdog finds.
    const startedNetwork = await new Network({ nextUuid: () => networkNameFor(runId) }).start();
    network = startedNetwork;
    await Promise.all(
      plans.map(async (plan) => {
        const primaryName = plan.cluster.primary.name;
        const primaryAlias = networkAliasFor(plan.name, primaryName);
        const primaryPort = await getPort();
        const primary = await new GenericContainer(image)
          .withNetwork(startedNetwork)
          .withNetworkAliases(primaryAlias)
          .withLabels(labels)
          .withEnvironment({
            POSTGRES_PASSWORD: superuserPassword,
            POSTGRES_HOST_AUTH_METHOD: 'scram-sha-256',
            POSTGRES_INITDB_ARGS: '--auth-host=scram-sha-256',
          })
          .withCommand([...SERVER_FLAGS])
          .withExposedPorts({ container: 5432, host: primaryPort })
          .withWaitStrategy(Wait.forSuccessfulCommand(READY_OVER_TCP))
          .withStartupTimeout(120_000)
          .start();
        containers.set(endpointKey(plan.name, primaryName), primary);
        const target = { host: HOST, port: primaryPort, user: 'postgres', password: superuserPassword };
        endpoints[endpointKey(plan.name, primaryName)] = { host: HOST, port: primaryPort, ...inNetwork(primaryAlias) };
        await provisionCluster(target, plan, { manageRole: true, owner: plan.cluster.credentials.user, log });
        await provisionRoles(target, plan, log);
        // The image's pg_hba.conf has no line for replication connections from other containers.
        await primary.exec(['bash', '-c', 'echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"']);
        await primary.exec(['gosu', 'postgres', 'bash', '-c', 'pg_ctl reload -D "$PGDATA"']);

        const { user, password = '' } = replicationCredentials(plan.cluster);
        for (const replica of plan.cluster.replicas) {
          const slot = slotNameFor(replica.name);
          const script = [
            'set -e',
            'mkdir -p "$PGDATA" /var/run/postgresql && chown postgres "$PGDATA" /var/run/postgresql && chmod 700 "$PGDATA"',
            // A restarted replica container keeps its data directory.
            'if [ ! -f "$PGDATA/PG_VERSION" ]; then',
            // -R writes primary_conninfo from this connection (application_name and the password included, quoted by pg_basebackup).
            `  gosu postgres env PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -d "application_name=${replica.name}" -h ${primaryAlias} -U ${user} -D "$PGDATA" -X stream -C -S ${slot} -R --checkpoint=fast`,
            'fi',
            `exec gosu postgres ${SERVER_FLAGS.join(' ')}`,
          ].join('\n');
          const replicaPort = await getPort();
          const replicaAlias = networkAliasFor(plan.name, replica.name);
          const container = await new GenericContainer(image)
            .withNetwork(startedNetwork)
            .withNetworkAliases(replicaAlias)
            .withLabels(labels)
            .withEnvironment({ PGDATA: '/var/lib/postgresql/data/pgdata', REPLICATION_PASSWORD: password })
            .withEntrypoint(['bash', '-c', script])
            .withExposedPorts({ container: 5432, host: replicaPort })
            .withWaitStrategy(Wait.forSuccessfulCommand(READY_OVER_TCP))
            .withStartupTimeout(120_000)
            .start();
          containers.set(endpointKey(plan.name, replica.name), container);
          endpoints[endpointKey(plan.name, replica.name)] = { host: HOST, port: replicaPort, ...inNetwork(replicaAlias) };
        }
        await waitForReplicaStreaming(
          target,
          plan.cluster.replicas.map((replica) => replica.name),
        );
        log(`cluster ${plan.name}: ${1 + plan.cluster.replicas.length} container(s) of ${image}`);
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  log(`container topology up in ${Math.round(performance.now() - started)} ms: ${containers.size} containers`);

  const containerOf = (cluster: string, node: string): StartedTestContainer => {
    const container = containers.get(endpointKey(cluster, node));
    if (!container) throw new TopologyRuntimeError('RUNTIME_UNKNOWN_NODE', `No container for node "${node}" of cluster "${cluster}".`);
    return container;
  };
  let stopping: Promise<void> | undefined;
  const pgbouncerNetwork = network;
  return {
    endpoints,
    ...(pgbouncerImage && pgbouncerNetwork
      ? {
          launchPgBouncer: (launch) =>
            startPgBouncerContainer(launch, {
              GenericContainer,
              Wait,
              image: pgbouncerImage,
              network: pgbouncerNetwork,
              labels,
              inNetwork: (cluster, node) => ({ host: networkAliasFor(cluster, node), port: 5432 }),
              started: (container) => pgbouncerContainers.push(container),
            }),
        }
      : {}),
    admin: Object.fromEntries(plans.map((plan) => [plan.name, { user: 'postgres', password: superuserPassword }])),
    // The server is the container's main process: stopping it stops the container, which keeps its data.
    async stopNode(cluster, node) {
      await containerOf(cluster, node).exec(['gosu', 'postgres', 'bash', '-c', 'pg_ctl stop -m fast -D "$PGDATA"']);
    },
    // The container starts again with the same host port (it was fixed at creation).
    async startNode(cluster, node) {
      await containerOf(cluster, node).restart();
      const primary = plans.find((plan) => plan.name === cluster)?.cluster.primary.name;
      if (primary && primary !== node) {
        await waitForReplicaStreaming({ ...endpoints[endpointKey(cluster, primary)]!, user: 'postgres', password: superuserPassword }, [
          node,
        ]);
      }
    },
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };
}
