import type { PoolConfig } from 'pg';
import { REDACTED } from './redact-secrets.js';
import { libpqTlsKeywords, pgClientConfig } from './server-connection.js';
import type { PoolSettings, Role, TlsSettings } from './topology.schema.js';

/**
 * One physical target a client connects to: a database (and optionally a schema inside it)
 * on one node of one cluster, with the credentials and pool settings to use.
 *
 * It holds the password: log `dataNodeLabel(node)` or `toConnectionUrl(node, { redact: true })`,
 * never the object itself.
 */
export interface DataNode {
  cluster: string;
  node: string;
  role: Role;
  host: string;
  port: number;
  database: string;
  /**
   * Where the other servers reach this one (`replicationHost`/`replicationPort` of the node), set
   * only when it differs from host/port: a subscription's CONNECTION uses it, clients never do.
   */
  replicationHost?: string;
  replicationPort?: number;
  /** A schema inside the database, e.g. a service's schema inside the monolith. */
  schema?: string;
  user: string;
  password?: string;
  pool: PoolSettings;
  /** Share of reads for the weighted replica policy. */
  weight: number;
  /**
   * The cluster's PgBouncer entry for this target, when one runs (see `pgbouncerEntryName`). The
   * services' pools connect there (`NodePools`); everything that needs a session of its own
   * (migrations, logical replication, LISTEN) uses host/port above, the server itself.
   */
  pgbouncer?: { host: string; port: number; database: string };
  /** TLS with verification of the server's certificate (sslmode=verify-full); plain TCP when absent. */
  tls?: TlsSettings;
}

/** `core/core-primary/neo_storage` (plus `/schema` when set): safe for logs and metric labels. */
export function dataNodeLabel(n: DataNode): string {
  const label = `${n.cluster}/${n.node}/${n.database}`;
  return n.schema === undefined ? label : `${label}/${n.schema}`;
}

/** node-postgres pool settings for this target; a schema becomes the connection's search_path. */
export function toPgPoolConfig(n: DataNode): PoolConfig {
  return {
    ...pgClientConfig(n),
    max: n.pool.max,
    min: n.pool.min,
    idleTimeoutMillis: n.pool.idleTimeoutMs,
    connectionTimeoutMillis: n.pool.connectionTimeoutMs,
    // Shows which target a server connection belongs to in pg_stat_activity.
    application_name: `neo:${n.node}`,
    ...(n.schema !== undefined ? { options: `-c search_path=${n.schema}` } : {}),
  };
}

/**
 * The target as reached through its cluster's PgBouncer entry: same node, role, credentials and
 * labels, PgBouncer's address and entry name. A target without a PgBouncer is returned as it is.
 */
export function throughPgBouncer(n: DataNode): DataNode {
  if (!n.pgbouncer) return n;
  const { pgbouncer, ...direct } = n;
  return { ...direct, host: pgbouncer.host, port: pgbouncer.port, database: pgbouncer.database };
}

/**
 * `postgresql://user:password@host:port/database`, password URL-encoded, or `***` with
 * `redact: true`. A schema is passed as `options=-c search_path=<schema>`, which psql,
 * pg_dump and node-postgres all understand; a TLS cluster adds `sslmode=verify-full` and its CA.
 */
export function toConnectionUrl(n: DataNode, options: { redact?: boolean } = {}): string {
  const user = encodeURIComponent(n.user);
  const password = n.password === undefined ? '' : `:${options.redact ? REDACTED : encodeURIComponent(n.password)}`;
  const host = n.host.includes(':') ? `[${n.host}]` : n.host;
  const params = [
    ...(n.schema === undefined ? [] : [`options=${encodeURIComponent(`-c search_path=${n.schema}`)}`]),
    ...libpqTlsKeywords(n.tls).map(([key, value]) => `${key}=${encodeURIComponent(value)}`),
  ];
  const query = params.length === 0 ? '' : `?${params.join('&')}`;
  return `postgresql://${user}${password}@${host}:${n.port}/${encodeURIComponent(n.database)}${query}`;
}
