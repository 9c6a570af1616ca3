import { randomBytes } from 'node:crypto';
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

const IMAGE = 'postgres:15';
const SERVER_FLAGS = [
  'postgres',
  '-c',
  'wal_level=logical',
  '-c',
  'max_wal_senders=20',
  '-c',
  'max_replication_slots=20',
  '-c',
  'max_logical_replication_workers=16',
  '-c',
  'max_worker_processes=24',
  '-c',
  'hot_standby=on',
  '-c',
  'hot_standby_feedback=on',
  '-c',
  'shared_preload_libraries=pg_stat_statements',
];

/**
 * Each cluster as `postgres:15` containers on one container network: the
 * primary, and replicas that clone it with pg_basebackup at start. The image's
 * entrypoint makes the superuser `postgres`; the cluster role is created like
 * the embedded provider does. testcontainers' reaper removes the containers if
 * this process dies.
 */
export async function startContainerTopology(plans: ClusterPlan[], options: StartTopologyOptions): Promise<ProviderRun> {
  const { GenericContainer, Network, Wait } = await import('testcontainers');
  const log = options.log ?? discardLogLine;
  const superuserPassword = randomBytes(18).toString('base64url');
  const network: StartedNetwork = await new Network().start();
  const containers = new Map<string, StartedTestContainer>();
  const endpoints: Endpoints = {};
  const stop = async (): Promise<void> => {
    await Promise.allSettled([...containers.values()].map((container) => container.stop()));
    containers.clear();
    await network.stop().catch(() => undefined);
  };

  try {
    for (const plan of plans) {
      const primaryName = plan.cluster.primary.name;
      const primary = await new GenericContainer(IMAGE)
        .withNetwork(network)
        .withNetworkAliases(primaryName)
        .withEnvironment({
          POSTGRES_PASSWORD: superuserPassword,
          POSTGRES_HOST_AUTH_METHOD: 'scram-sha-256',
          POSTGRES_INITDB_ARGS: '--auth-host=scram-sha-256',
        })
        .withCommand([...SERVER_FLAGS])
        .withExposedPorts(5432)
        .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
        .start();
      containers.set(endpointKey(plan.name, primaryName), primary);
      const target = { host: primary.getHost(), port: primary.getMappedPort(5432), user: 'postgres', password: superuserPassword };
      endpoints[endpointKey(plan.name, primaryName)] = { host: target.host, port: target.port };
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
          'mkdir -p "$PGDATA" && chown postgres "$PGDATA" && chmod 700 "$PGDATA"',
          // A restarted replica container keeps its data directory.
          'if [ ! -f "$PGDATA/PG_VERSION" ]; then',
          `  gosu postgres env PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -h ${primaryName} -U ${user} -D "$PGDATA" -X stream -C -S ${slot} -R`,
          `  echo "primary_conninfo = 'host=${primaryName} user=${user} password=$REPLICATION_PASSWORD application_name=${replica.name}'" >> "$PGDATA/postgresql.auto.conf"`,
          'fi',
          `exec gosu postgres ${SERVER_FLAGS.join(' ')}`,
        ].join('\n');
        const started = await new GenericContainer(IMAGE)
          .withNetwork(network)
          .withNetworkAliases(replica.name)
          .withEnvironment({ PGDATA: '/var/lib/postgresql/data/pgdata', REPLICATION_PASSWORD: password })
          .withEntrypoint(['bash', '-c', script])
          .withExposedPorts(5432)
          .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept read-only connections/))
          .start();
        containers.set(endpointKey(plan.name, replica.name), started);
        endpoints[endpointKey(plan.name, replica.name)] = { host: started.getHost(), port: started.getMappedPort(5432) };
      }
      await waitForReplicaStreaming(
        target,
        plan.cluster.replicas.map((replica) => replica.name),
      );
      log(`cluster ${plan.name}: ${1 + plan.cluster.replicas.length} container(s) of ${IMAGE}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const containerOf = (cluster: string, node: string): StartedTestContainer => {
    const container = containers.get(endpointKey(cluster, node));
    if (!container) throw new TopologyRuntimeError('RUNTIME_UNKNOWN_NODE', `No container for node "${node}" of cluster "${cluster}".`);
    return container;
  };
  let stopping: Promise<void> | undefined;
  return {
    endpoints,
    admin: Object.fromEntries(plans.map((plan) => [plan.name, { user: 'postgres', password: superuserPassword }])),
    // The server is the container's main process: stopping it stops the container, which keeps its data.
    async stopNode(cluster, node) {
      await containerOf(cluster, node).exec(['gosu', 'postgres', 'bash', '-c', 'pg_ctl stop -m fast -D "$PGDATA"']);
    },
    // A restarted container may get another host port: the endpoint is updated.
    async startNode(cluster, node) {
      const container = containerOf(cluster, node);
      await container.restart();
      endpoints[endpointKey(cluster, node)] = { host: container.getHost(), port: container.getMappedPort(5432) };
    },
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };
}
