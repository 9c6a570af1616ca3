import {
  allLayoutShards,
  databasesByCluster,
  isBound,
  pgbouncerEndpointKey,
  pgbouncerSchema,
  pgClientConfig,
  type Credentials,
  type Endpoints,
  type Topology,
} from '@neo/topology';
import { discardLogLine } from '../log-line.js';
import type { LocalCertificates } from '../provisioning/tls-certificates.js';
import type { AdminAccess } from '../topology-runtime.types.js';
import pg from 'pg';
import { findPgBouncer } from './pgbouncer-binary.js';
import { startPgBouncer, type PgBouncerLauncher, type RunningPgBouncer } from './pgbouncer-process.js';

export interface StartPgBouncersOptions {
  log?: (line: string) => void;
  /** Where `NEO_PGBOUNCER` and PATH are read from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Superusers per cluster: PgBouncer is given the role's SCRAM secret from the server, not its password (see `PgBouncerPlan`). */
  admin?: Record<string, AdminAccess>;
  /** The local servers' certificate: a TLS cluster's PgBouncer presents it to its clients. */
  certificates?: LocalCertificates;
  /**
   * Starts each PgBouncer; default: the `pgbouncer` program of this machine. The testcontainers
   * provider gives its own, which runs PgBouncer in a container on the servers' network.
   */
  launch?: PgBouncerLauncher;
}

/** The PgBouncers of a running topology: their endpoints (`<cluster>:pgbouncer`) and how to stop them. */
export interface RunningPgBouncers {
  pgbouncers: RunningPgBouncer[];
  endpoints: Endpoints;
  stop(): Promise<void>;
}

/**
 * Starts a PgBouncer for each running cluster whose topology declares `pgbouncer` without an
 * address (a declared host and port is a PgBouncer that runs elsewhere). Without the `pgbouncer`
 * program nothing starts and the log says so: services then connect to the servers directly.
 */
export async function startPgBouncers(topology: Topology, options: StartPgBouncersOptions = {}): Promise<RunningPgBouncers> {
  const log = options.log ?? discardLogLine;
  const wanted = Object.entries(topology.clusters).flatMap(([name, cluster]) =>
    cluster.pgbouncer && cluster.pgbouncer.host === undefined && isBound(cluster.primary)
      ? [{ name, cluster, settings: cluster.pgbouncer, primary: cluster.primary }]
      : [],
  );
  const started: RunningPgBouncer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled(started.map((pgbouncer) => pgbouncer.stop()));
  };
  if (wanted.length === 0) return { pgbouncers: started, endpoints: {}, stop };
  const launch = options.launch ?? programLauncher(options.env);
  if (!launch) {
    log('pgbouncer: not installed (apt-get install -y pgbouncer): services connect to the servers directly');
    return { pgbouncers: started, endpoints: {}, stop };
  }
  const databases = databasesByCluster(topology);
  try {
    for (const { name, cluster, settings, primary } of wanted) {
      const server = (node: { name: string; host: string; port: number }) => ({ node: node.name, host: node.host, port: node.port });
      const logins = serviceLoginsOn(topology, name);
      const secrets = await serverScramSecrets(
        primary,
        [cluster.credentials.user, ...logins.map((login) => login.user)],
        options.admin?.[name],
      );
      started.push(
        await launch({
          cluster: name,
          settings,
          primary: server(primary),
          replicas: cluster.replicas.filter(isBound).map(server),
          databases: databases[name] ?? [],
          credentials: { ...cluster.credentials, scramSecret: secrets.get(cluster.credentials.user) },
          logins: logins.map((login) => ({ ...login, scramSecret: secrets.get(login.user) })),
          ...(cluster.tls?.ca && options.certificates
            ? { tls: { ca: cluster.tls.ca, certFile: options.certificates.certFile, keyFile: options.certificates.keyFile } }
            : {}),
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  for (const [index, pgbouncer] of started.entries()) {
    const s = wanted[index]?.settings ?? pgbouncerSchema.parse({});
    log(
      `pgbouncer ${pgbouncer.cluster}: ${pgbouncer.host}:${pgbouncer.port} (transaction pooling, pool ${s.defaultPoolSize}+${s.reservePoolSize} per database, ` +
        `${s.maxClientConn} clients; config ${pgbouncer.configFile})`,
    );
  }
  const endpoints = Object.fromEntries(started.map((p) => [pgbouncerEndpointKey(p.cluster), { host: p.host, port: p.port }]));
  return { pgbouncers: started, endpoints, stop };
}

/** PgBouncer as a process of this machine, where the program is installed. */
function programLauncher(env: NodeJS.ProcessEnv | undefined): PgBouncerLauncher | undefined {
  const binary = findPgBouncer(env);
  return binary ? (launch) => startPgBouncer({ ...launch, binary }) : undefined;
}

/** The app and readonly logins of the services with a database (or a shard) on `cluster`, each once. */
function serviceLoginsOn(topology: Topology, cluster: string): Credentials[] {
  const logins = new Map<string, Credentials>();
  for (const service of Object.values(topology.services)) {
    const onCluster = service.cluster === cluster || allLayoutShards(service).some((shard) => shard.cluster === cluster);
    if (!onCluster || !service.roles) continue;
    for (const login of [service.roles.app, service.roles.readonly]) if (login) logins.set(login.user, login);
  }
  return [...logins.values()];
}

/** The roles' SCRAM secrets as the server stores them, in one query; a role is missing when its secret cannot be read (no superuser, an MD5 or no password). */
async function serverScramSecrets(
  server: { host: string; port: number },
  roles: string[],
  admin: AdminAccess | undefined,
): Promise<Map<string, string>> {
  const secrets = new Map<string, string>();
  if (!admin) return secrets;
  const client = new pg.Client(pgClientConfig({ host: server.host, port: server.port, ...admin, database: 'postgres' }));
  try {
    await client.connect();
    const { rows } = await client.query<{ role: string; secret: string | null }>(
      'select rolname as role, rolpassword as secret from pg_authid where rolname = any($1)',
      [roles],
    );
    for (const { role, secret } of rows) if (secret?.startsWith('SCRAM-SHA-256$')) secrets.set(role, secret);
  } catch {
    // Without the secrets PgBouncer checks the passwords themselves (see PgBouncerPlan).
  } finally {
    await client.end().catch(() => undefined);
  }
  return secrets;
}
