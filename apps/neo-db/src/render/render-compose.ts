import { endpointKey, type Endpoints } from '@neo/topology';
import { deployedTopologyYaml } from './deployed-topology.js';
import { PGBOUNCER_PORT, PGBOUNCER_SETTINGS, POSTGRES_PORT, SERVICE_PORT, type DeployCluster, type DeployModel } from './deploy-model.js';

/** A rendered file: its path under deploy/ and its content (YAML documents as objects, or text). */
export interface RenderedFile {
  path: string;
  content: object | string;
}

const POSTGRES_IMAGE = 'postgres:15-bookworm';
const REPLICATION_ROLE = 'neo_replicator';
/** The compose service (and Kubernetes Job) that provisions the servers before the services start. */
export const PROVISION = 'neo-provision';

/**
 * deploy/compose: the seed's Phase 1 docker-compose grown to the whole topology. Each cluster
 * gets its primary, its streaming replicas (cloned by pg_basebackup on first start, each on its
 * own slot), a PgBouncer in transaction mode with the seed's sizes (a read-write and a `_ro`
 * entry per database) and a postgres_exporter, all on the cluster's own network; the services
 * join the networks of the clusters they use; Prometheus and Grafana watch everything.
 * Passwords are never written here: containers read them from the environment as compose secrets.
 */
export function renderCompose(model: DeployModel, topologyYaml: string): RenderedFile[] {
  const services: Record<string, object> = {};
  const volumes: Record<string, object> = {};
  const secrets: Record<string, object> = {};
  const networks: Record<string, object> = { monitoring: {} };
  const endpoints: Endpoints = {};

  model.clusters.forEach((cluster, index) => {
    const { name, declared } = cluster;
    networks[name] = {};
    const password = secretName(cluster.passwordVariable);
    const replication = secretName(replicationVariable(cluster));
    secrets[password] = { environment: cluster.passwordVariable };
    secrets[replication] = { environment: replicationVariable(cluster) };
    secrets[`${name}_pgbouncer_userlist`] = { file: `./secrets/${name}-pgbouncer-userlist.txt` };

    const primary = declared.primary.name;
    endpoints[endpointKey(name, primary)] = { host: primary, port: POSTGRES_PORT };
    volumes[`${primary}-data`] = {};
    services[primary] = {
      image: POSTGRES_IMAGE,
      environment: {
        POSTGRES_USER: declared.credentials.user,
        POSTGRES_PASSWORD_FILE: `/run/secrets/${password}`,
        POSTGRES_DB: cluster.databases[0] ?? 'postgres',
        NEO_REPLICATION_PASSWORD_FILE: `/run/secrets/${replication}`,
      },
      command: ['postgres', ...postgresSettings(cluster).flatMap((setting) => ['-c', setting])],
      secrets: [password, replication],
      volumes: [`${primary}-data:/var/lib/postgresql/data`, `./initdb/${name}.sh:/docker-entrypoint-initdb.d/10-neo-${name}.sh:ro`],
      ports: [`127.0.0.1:${5432 + index}:${POSTGRES_PORT}`],
      networks: [name],
      healthcheck: pgIsReady(declared.credentials.user),
      restart: 'unless-stopped',
    };

    for (const replica of declared.replicas) {
      endpoints[endpointKey(name, replica.name)] = { host: replica.name, port: POSTGRES_PORT };
      volumes[`${replica.name}-data`] = {};
      services[replica.name] = {
        image: POSTGRES_IMAGE,
        user: 'postgres',
        environment: {
          PGDATA: '/var/lib/postgresql/data/pgdata',
          NEO_PRIMARY_HOST: primary,
          NEO_REPLICATION_USER: REPLICATION_ROLE,
          NEO_REPLICATION_PASSWORD_FILE: `/run/secrets/${replication}`,
          NEO_REPLICATION_SLOT: slotName(replica.name),
        },
        entrypoint: ['bash', '/neo/replica-entrypoint.sh'],
        secrets: [replication],
        volumes: [`${replica.name}-data:/var/lib/postgresql/data`, './scripts/replica-entrypoint.sh:/neo/replica-entrypoint.sh:ro'],
        networks: [name],
        depends_on: { [primary]: { condition: 'service_healthy' } },
        healthcheck: pgIsReady(declared.credentials.user),
        restart: 'unless-stopped',
      };
    }

    services[`${name}-pgbouncer`] = {
      image: 'edoburu/pgbouncer:v1.23.1-p3',
      volumes: [`./pgbouncer/${name}.ini:/etc/pgbouncer/pgbouncer.ini:ro`],
      secrets: [{ source: `${name}_pgbouncer_userlist`, target: '/etc/pgbouncer/userlist.txt' }],
      networks: [name],
      depends_on: { [primary]: { condition: 'service_healthy' } },
      restart: 'unless-stopped',
    };

    services[`${name}-exporter`] = {
      image: 'prometheuscommunity/postgres-exporter:v0.15.0',
      environment: {
        DATA_SOURCE_URI: `${primary}:${POSTGRES_PORT}/postgres?sslmode=disable`,
        DATA_SOURCE_USER: declared.credentials.user,
        DATA_SOURCE_PASS_FILE: `/run/secrets/${password}`,
      },
      secrets: [password],
      networks: [name, 'monitoring'],
      depends_on: { [primary]: { condition: 'service_healthy' } },
      restart: 'unless-stopped',
    };
  });

  services[PROVISION] = provisionService(model);

  for (const service of model.services) {
    const clusters = model.clusters.filter((cluster) => service.clusters.includes(cluster.name));
    services[service.app] = {
      image: `neo/${service.app}:latest`,
      build: { context: '../..', dockerfile: 'deploy/compose/service.Dockerfile', args: { APP: service.app } },
      environment: {
        NEO_TOPOLOGY: '/etc/neo/topology.yaml',
        NEO_ENDPOINTS: '/etc/neo/endpoints.json',
        NEO_FLAGS_FILE: '/etc/neo/flags.yaml',
        PORT: String(SERVICE_PORT),
        HOST: '0.0.0.0',
        // The cluster roles', the service's own roles' and its other secrets' variables, from the operator's environment.
        ...Object.fromEntries(
          [
            ...clusters.map((cluster) => cluster.passwordVariable),
            ...service.roleVariables.map(({ variable }) => variable),
            ...service.secretVariables,
          ].map((variable) => [variable, `\${${variable}:?set ${variable}}`]),
        ),
      },
      volumes: [
        './topology.yaml:/etc/neo/topology.yaml:ro',
        './endpoints.json:/etc/neo/endpoints.json:ro',
        '../../config/flags.yaml:/etc/neo/flags.yaml:ro',
      ],
      networks: [...clusters.map((cluster) => cluster.name), 'monitoring'],
      depends_on: {
        ...Object.fromEntries(clusters.map((cluster) => [cluster.declared.primary.name, { condition: 'service_healthy' }])),
        // Its roles, grants and migrations exist before it logs in.
        [PROVISION]: { condition: 'service_completed_successfully' },
      },
      healthcheck: {
        test: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${SERVICE_PORT}/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        interval: '10s',
        timeout: '3s',
        retries: 6,
        start_period: '20s',
      },
      restart: 'unless-stopped',
    };
  }

  volumes['prometheus-data'] = {};
  volumes['grafana-data'] = {};
  services['prometheus'] = {
    image: 'prom/prometheus:v2.53.0',
    volumes: ['./prometheus.yml:/etc/prometheus/prometheus.yml:ro', 'prometheus-data:/prometheus'],
    ports: ['127.0.0.1:9090:9090'],
    networks: ['monitoring'],
    restart: 'unless-stopped',
  };
  services['grafana'] = {
    image: 'grafana/grafana:11.1.0',
    environment: { GF_SECURITY_ADMIN_PASSWORD__FILE: '/run/secrets/grafana_admin_password' },
    secrets: ['grafana_admin_password'],
    volumes: ['./grafana/datasources.yml:/etc/grafana/provisioning/datasources/neo.yml:ro', 'grafana-data:/var/lib/grafana'],
    ports: ['127.0.0.1:3000:3000'],
    networks: ['monitoring'],
    depends_on: ['prometheus'],
    restart: 'unless-stopped',
  };
  secrets['grafana_admin_password'] = { environment: 'GRAFANA_ADMIN_PASSWORD' };

  return [
    { path: 'compose/docker-compose.yml', content: { name: 'neo', services, networks, volumes, secrets } },
    { path: 'compose/endpoints.json', content: JSON.stringify(endpoints, null, 2) + '\n' },
    { path: 'compose/topology.yaml', content: deployedTopologyYaml(topologyYaml) },
    ...model.clusters.map((cluster) => ({ path: `compose/initdb/${cluster.name}.sh`, content: initScript(cluster) })),
    ...model.clusters.map((cluster) => ({ path: `compose/pgbouncer/${cluster.name}.ini`, content: pgbouncerIni(cluster) })),
    { path: 'compose/scripts/replica-entrypoint.sh', content: REPLICA_ENTRYPOINT },
    { path: 'compose/prometheus.yml', content: prometheusConfig(model) },
    {
      path: 'compose/grafana/datasources.yml',
      content: {
        apiVersion: 1,
        datasources: [{ name: 'Prometheus', type: 'prometheus', access: 'proxy', url: 'http://prometheus:9090', isDefault: true }],
      },
    },
    { path: 'compose/service.Dockerfile', content: SERVICE_DOCKERFILE },
  ];
}

/**
 * The one-shot `neo-db provision --migrate` (image neo/neo-db, built like the services'): once
 * every primary is healthy it makes the databases, schemas, the services' roles and grants and
 * applies the migrations; the services start after it ends successfully. It logs in to each
 * primary as the cluster's role, the servers' superuser here (POSTGRES_USER): the URL names no
 * user, so the password comes from the topology's variable. The servers have no TLS here
 * (sslmode=disable, as the exporters connect).
 */
function provisionService(model: DeployModel): object {
  return {
    image: 'neo/neo-db:latest',
    build: { context: '../..', dockerfile: 'deploy/compose/service.Dockerfile', args: { APP: 'neo-db' } },
    command: ['node', '--enable-source-maps', 'apps/neo-db/dist/main.js', 'provision', '--migrate'],
    environment: {
      NEO_TOPOLOGY: '/etc/neo/topology.yaml',
      ...Object.fromEntries(
        model.clusters.map((cluster) => [
          `NEO_PG_URL_${envName(cluster.name)}`,
          `postgresql://${cluster.declared.primary.name}:${POSTGRES_PORT}/postgres?sslmode=disable`,
        ]),
      ),
      ...Object.fromEntries(
        [...new Set(model.passwordSecrets.map(({ variable }) => variable))].map((variable) => [
          variable,
          `\${${variable}:?set ${variable}}`,
        ]),
      ),
    },
    volumes: ['./topology.yaml:/etc/neo/topology.yaml:ro'],
    networks: model.clusters.map((cluster) => cluster.name),
    depends_on: Object.fromEntries(model.clusters.map((cluster) => [cluster.declared.primary.name, { condition: 'service_healthy' }])),
    restart: 'no',
  };
}

/** `core` → `CORE`: how `neo-db provision` names a cluster's URL variable (NEO_PG_URL_CORE). */
export function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** `CORE_DB_PASSWORD` → `core_db_password`: the compose secret holding that variable's value. */
function secretName(variable: string): string {
  return variable.toLowerCase();
}

function replicationVariable(cluster: DeployCluster): string {
  return `${cluster.name.toUpperCase().replace(/-/g, '_')}_REPLICATION_PASSWORD`;
}

function slotName(node: string): string {
  return node.replace(/[^a-z0-9_]/g, '_');
}

/** Streaming replication on every cluster; WAL kept by the replicas' slots, not by wal_keep_size. */
function postgresSettings(cluster: DeployCluster): string[] {
  const slots = Math.max(10, cluster.declared.replicas.length + 4);
  return [
    'wal_level=logical',
    `max_wal_senders=${slots}`,
    `max_replication_slots=${slots}`,
    'hot_standby=on',
    'shared_preload_libraries=pg_stat_statements',
  ];
}

function pgIsReady(user: string): object {
  return { test: ['CMD-SHELL', `pg_isready -U ${user} -d postgres`], interval: '5s', timeout: '3s', retries: 30 };
}

function initScript(cluster: DeployCluster): string {
  const user = cluster.declared.credentials.user;
  const creates = cluster.databases
    .slice(1)
    .map(
      (database) =>
        `SELECT 'CREATE DATABASE ${database} OWNER ${user}' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '${database}')\\gexec`,
    );
  return [
    '#!/bin/bash',
    `# The ${cluster.name} cluster's databases and its replication role, made once when the primary's data is initialised.`,
    'set -euo pipefail',
    `psql -v ON_ERROR_STOP=1 -v replication_password="$(cat "$NEO_REPLICATION_PASSWORD_FILE")" --username "$POSTGRES_USER" --dbname postgres <<'SQL'`,
    `CREATE ROLE ${REPLICATION_ROLE} WITH REPLICATION LOGIN PASSWORD :'replication_password';`,
    ...creates,
    'SQL',
    `echo "host replication ${REPLICATION_ROLE} all scram-sha-256" >> "$PGDATA/pg_hba.conf"`,
    '',
  ].join('\n');
}

function pgbouncerIni(cluster: DeployCluster): string {
  const primary = cluster.declared.primary.name;
  const replicas = cluster.declared.replicas.map((replica) => replica.name);
  const entries = cluster.databases.flatMap((database) => [
    `${database} = host=${primary} port=${POSTGRES_PORT} dbname=${database}`,
    // Reads: the replicas in turn (PgBouncer balances over a host list), else the primary.
    `${database}_ro = host=${(replicas.length > 0 ? replicas : [primary]).join(',')} port=${POSTGRES_PORT} dbname=${database}`,
  ]);
  return [
    `; PgBouncer for the ${cluster.name} cluster: transaction pooling with the seed's sizes.`,
    '; Sessions that need a real connection (migrations, replication, LISTEN) go to the servers directly.',
    '[databases]',
    ...entries,
    '',
    '[pgbouncer]',
    'listen_addr = 0.0.0.0',
    `listen_port = ${PGBOUNCER_PORT}`,
    'auth_type = scram-sha-256',
    'auth_file = /etc/pgbouncer/userlist.txt',
    ...Object.entries(PGBOUNCER_SETTINGS).map(([key, value]) => `${key} = ${value}`),
    '',
  ].join('\n');
}

function prometheusConfig(model: DeployModel): object {
  return {
    global: { scrape_interval: '15s' },
    scrape_configs: [
      {
        job_name: 'neo-services',
        metrics_path: '/metrics',
        static_configs: [{ targets: model.services.map((service) => `${service.app}:${SERVICE_PORT}`) }],
      },
      {
        job_name: 'postgres',
        static_configs: model.clusters.map((cluster) => ({
          targets: [`${cluster.name}-exporter:9187`],
          labels: { cluster: cluster.name },
        })),
      },
    ],
  };
}

const REPLICA_ENTRYPOINT = `#!/bin/bash
# A streaming replica: on first start, clone the primary with pg_basebackup on the replica's own
# slot (-C -S) and write the standby settings (-R); then run as a hot standby.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  export PGPASSWORD="$(cat "$NEO_REPLICATION_PASSWORD_FILE")"
  until pg_basebackup -h "$NEO_PRIMARY_HOST" -U "$NEO_REPLICATION_USER" -D "$PGDATA" -R -X stream -C -S "$NEO_REPLICATION_SLOT"; do
    echo "waiting for $NEO_PRIMARY_HOST"; rm -rf "$PGDATA"; sleep 2
  done
  chmod 0700 "$PGDATA"
fi
exec postgres -c hot_standby=on
`;

const SERVICE_DOCKERFILE = `# One image per service: docker compose build (from deploy/compose) passes APP.
FROM node:24-bookworm-slim
ARG APP
WORKDIR /neo
COPY package.json package-lock.json ./
COPY . .
RUN npm ci --ignore-scripts && npm run prisma:generate && npx nx run \${APP}:build
# Production mode: Prisma's error format is then 'minimal', so it does not capture a stack trace
# on every query to locate the call in its error messages.
ENV APP=\${APP} NODE_ENV=production
CMD ["sh", "-c", "exec node --enable-source-maps apps/$APP/dist/main.js"]
`;
