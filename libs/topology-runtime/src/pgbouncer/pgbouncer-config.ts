import { pgbouncerEntryName, pgbouncerReadOnlyEntryName, type PgBouncerSettings } from '@neo/topology';

/** A server PgBouncer sends connections to. */
export interface PgBouncerServer {
  node: string;
  host: string;
  port: number;
}

/** A role clients log in with: PgBouncer checks it against the SCRAM secret when known, else the password. */
export interface PgBouncerLogin {
  user: string;
  password?: string | undefined;
  scramSecret?: string | undefined;
}

/** Everything one cluster's PgBouncer is configured from. */
export interface PgBouncerPlan {
  cluster: string;
  settings: PgBouncerSettings;
  listen: { host: string; port: number };
  primary: PgBouncerServer;
  replicas: PgBouncerServer[];
  /** The databases the cluster holds: each gets a read-write and a `_ro` entry. */
  databases: string[];
  /**
   * The cluster's role: clients log in with it, and PgBouncer logs in to the servers with it. With
   * the server's own SCRAM secret of the role (`pg_authid`), PgBouncer checks a client's proof
   * without deriving the key from the password at every login (PBKDF2, 4096 rounds, on its one
   * thread), and logs in to the servers with the keys of the client that just proved itself.
   */
  credentials: PgBouncerLogin;
  /** The services' own logins on this cluster (their `roles`: app, readonly), accepted the same way. */
  logins?: PgBouncerLogin[];
  /** The admin console's user (`SHOW STATS`, `SHOW POOLS`): PgBouncer's own, no server role. */
  admin: { user: string; password: string };
  /** Where the auth file, log and pid file live. */
  dir: string;
  /**
   * TLS on both sides, when the cluster's servers take nothing else: PgBouncer verifies them
   * (verify-full against `ca`) and accepts TLS clients only, presenting `certFile` (the local
   * servers' own certificate, which names 127.0.0.1), so clients verify it with the same CA.
   */
  tls?: { ca: string; certFile: string; keyFile: string } | undefined;
}

/**
 * `pgbouncer.ini` for one cluster: per database a read-write entry to the primary, a `_ro` entry
 * to the replicas, and one entry per replica for the data layer's own replica choice (see
 * `pgbouncerEntryName`). Pool mode and sizes are the topology's `pgbouncer` block.
 */
export function renderPgBouncerIni(plan: PgBouncerPlan): string {
  const s = plan.settings;
  const entry = (server: PgBouncerServer | PgBouncerServer[], database: string): string => {
    const servers = Array.isArray(server) ? server : [server];
    return `host=${servers.map((one) => one.host).join(',')} port=${servers[0]?.port ?? ''} dbname=${database}`;
  };
  const databases = plan.databases.flatMap((database) => [
    `${database} = ${entry(plan.primary, database)}`,
    `${pgbouncerReadOnlyEntryName(database)} = ${entry(readOnlyServers(plan), database)}`,
    ...plan.replicas.map(
      (replica) => `${pgbouncerEntryName(database, { role: 'replica', node: replica.node })} = ${entry(replica, database)}`,
    ),
  ]);
  return [
    `; PgBouncer of cluster "${plan.cluster}", generated from the topology: edit config/topology.yaml, not this file.`,
    '[databases]',
    ...databases,
    '',
    '[pgbouncer]',
    `listen_addr = ${plan.listen.host}`,
    `listen_port = ${plan.listen.port}`,
    // TCP only: a socket directory would have to be writable by the user PgBouncer runs as.
    'unix_socket_dir =',
    'auth_type = scram-sha-256',
    `auth_file = ${plan.dir}/users.txt`,
    `admin_users = ${plan.admin.user}`,
    `stats_users = ${plan.admin.user}`,
    `pool_mode = ${s.poolMode}`,
    `max_client_conn = ${s.maxClientConn}`,
    `default_pool_size = ${s.defaultPoolSize}`,
    `min_pool_size = ${s.minPoolSize}`,
    `reserve_pool_size = ${s.reservePoolSize}`,
    `reserve_pool_timeout = ${s.reservePoolTimeoutSeconds}`,
    `server_lifetime = ${s.serverLifetimeSeconds}`,
    `server_idle_timeout = ${s.serverIdleTimeoutSeconds}`,
    // JDBC sends extra_float_digits at login; the data layer's pools send statement_timeout, which
    // through PgBouncer is bounded on the client side instead (a server connection serves many clients).
    // `options` is not ignored on purpose: it carries a search_path, which PgBouncer would drop
    // silently; refused, the client learns it must connect directly.
    'ignore_startup_parameters = extra_float_digits,statement_timeout',
    ...(plan.tls
      ? [
          'server_tls_sslmode = verify-full',
          `server_tls_ca_file = ${plan.tls.ca}`,
          'client_tls_sslmode = require',
          `client_tls_cert_file = ${plan.tls.certFile}`,
          `client_tls_key_file = ${plan.tls.keyFile}`,
          `client_tls_ca_file = ${plan.tls.ca}`,
        ]
      : []),
    `logfile = ${plan.dir}/pgbouncer.log`,
    `pidfile = ${plan.dir}/pgbouncer.pid`,
    '',
  ].join('\n');
}

/**
 * The auth file: the cluster role and the services' logins, each with its SCRAM secret (else its
 * password: PgBouncer logs in to the servers with it), and the admin user.
 */
export function renderPgBouncerAuthFile(plan: PgBouncerPlan): string {
  const line = (user: string, password: string): string => `${quote(user)} ${quote(password)}`;
  const logins = [plan.credentials, ...(plan.logins ?? []).filter((login) => login.user !== plan.credentials.user)];
  return [
    ...logins.map(({ user, password, scramSecret }) => line(user, scramSecret ?? password ?? '')),
    line(plan.admin.user, plan.admin.password),
    '',
  ].join('\n');
}

/**
 * The servers of a `_ro` entry. PgBouncer 1.18 takes several hosts but one port: replicas on
 * one port (separate machines, as in production) are all listed and used round-robin; replicas
 * on several ports of one host (the local topology) cannot be, so the entry names the first.
 * A cluster without replicas reads from its primary.
 */
export function readOnlyServers(plan: Pick<PgBouncerPlan, 'primary' | 'replicas'>): PgBouncerServer[] {
  const [first] = plan.replicas;
  if (!first) return [plan.primary];
  return plan.replicas.every((replica) => replica.port === first.port) ? plan.replicas : [first];
}

/** An auth file field: double quotes around it, a double quote written twice. */
function quote(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
