import pg from 'pg';
import { type DataNode, dataNodeLabel, libpqConninfo, pgClientConfig, type Topology } from '@neo/topology';
import { CutoverError } from './cutover.error.js';
import type { EventLogger } from '../logging/index.js';
import type { FlagWriter } from './flag-writer.js';

/** A role allowed to create subscriptions: PostgreSQL 15 requires a superuser for that. */
export interface AdminLogin {
  user: string;
  password?: string;
}

/** How long the engine waits for what; every wait has a bound (see README.md in this folder). */
export interface CutoverTimeouts {
  /** Taking the write fence: how long to wait for running write transactions to finish. */
  fenceLockMs: number;
  /** With the fence up, how long to wait for the other side to replay everything. */
  catchUpMs: number;
  /** How long a write on the new side waits, inside the database, for the switch to finish. */
  guardWaitMs: number;
  /** How long `copy` waits for the initial copy before returning (the copy goes on in the servers). */
  copyMs: number;
  /** How long to wait for a subscription's worker to show up before calling replication broken. */
  workerStartMs: number;
}

export const DEFAULT_CUTOVER_TIMEOUTS: CutoverTimeouts = {
  fenceLockMs: 5_000,
  catchUpMs: 10_000,
  guardWaitMs: 10_000,
  copyMs: 600_000,
  workerStartMs: 10_000,
};

/** Everything a cutover step needs: where the servers are, how to log in as admin, the flags. */
export interface CutoverContext {
  /** A bound topology (every node has host and port). */
  topology: Topology;
  /** The admin login of a cluster (subscriptions and publications are managed with it). */
  admin(cluster: string): AdminLogin;
  flags: FlagWriter;
  /** The directory holding `<service>/schema.prisma` and `<service>/migrations` (default: the workspace's prisma/). */
  prismaRoot?: string;
  timeouts?: Partial<CutoverTimeouts>;
  log?: (line: string) => void;
  /**
   * Where each operator step (copy, verify, switch-reads, switch-writes, rollback) is logged once
   * as a data-layer event, `cutover-step` (see step-events.ts); `neo-db` passes the services' JSON
   * logger on stderr. Absent: steps are not logged as events.
   */
  events?: EventLogger;
  /**
   * Called (and awaited) as each step begins, with the step's name: progress for people, and a
   * place where tests stop or kill the process at a known point.
   */
  onStep?: (step: string) => void | Promise<void>;
}

export function timeoutsOf(context: CutoverContext): CutoverTimeouts {
  return { ...DEFAULT_CUTOVER_TIMEOUTS, ...context.timeouts };
}

export function logOf(context: CutoverContext): (line: string) => void {
  return context.log ?? (() => undefined);
}

export async function enterStep(context: CutoverContext, step: string): Promise<void> {
  await context.onStep?.(step);
}

/** The admin's connection settings for `node`'s server (and `database`, default the node's). */
export function adminConfig(context: CutoverContext, node: DataNode, database: string = node.database): pg.ClientConfig {
  const login = context.admin(node.cluster);
  return {
    ...pgClientConfig({ host: node.host, port: node.port, database, user: login.user, password: login.password, tls: node.tls }),
    application_name: 'neo-cutover',
    connectionTimeoutMillis: 10_000,
  };
}

/** A connected admin client on `node`; the caller ends it. */
export async function connectAdmin(context: CutoverContext, node: DataNode, database: string = node.database): Promise<pg.Client> {
  const client = new pg.Client(adminConfig(context, node, database));
  // A dropped connection surfaces through the failing query; this keeps it from crashing the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new CutoverError(
      'CUTOVER_REPLICATION_BROKEN',
      `Cannot connect to ${node.cluster}/${node.node}/${database} as ${context.admin(node.cluster).user}: ${(error as Error).message}. Check that the server runs and the admin login.`,
      { cause: error },
    );
  }
  return client;
}

/** Connects as admin, runs `work`, always ends the connection. */
export async function withAdmin<T>(
  context: CutoverContext,
  node: DataNode,
  work: (client: pg.Client) => Promise<T>,
  database?: string,
): Promise<T> {
  const client = await connectAdmin(context, node, database);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * A libpq connection string for a subscription to reach `node` (stored in pg_subscription,
 * which only superusers can read), with sslmode=verify-full and the CA for a TLS cluster: the
 * subscriber's server reads that CA file. Never log it: use `dataNodeLabel`. The subscriber's server
 * connects with it, so it names the address servers reach `node` at (`replicationHost`), which for
 * containers is not the host/port this process uses.
 */
export function subscriptionConninfo(context: CutoverContext, node: DataNode): string {
  const login = context.admin(node.cluster);
  return libpqConninfo({
    host: node.replicationHost ?? node.host,
    port: node.replicationPort ?? node.port,
    database: node.database,
    user: login.user,
    password: login.password,
    tls: node.tls,
  });
}

export { dataNodeLabel };
