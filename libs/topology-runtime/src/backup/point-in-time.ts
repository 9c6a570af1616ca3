import { access, chown, mkdir, readFile } from 'node:fs/promises';
import getPort from 'get-port';
import path from 'node:path';
import { pgClientConfig, type TlsSettings } from '@neo/topology';
import pg from 'pg';
import { TopologyRuntimeError } from '../errors.js';
import { embeddedBinaries } from '../embedded/postgres-binaries.js';
import { PostgresServer } from '../embedded/postgres-server.js';
import { serverOsUser } from '../embedded/server-os-user.js';
import { ensureLocalCertificates } from '../provisioning/tls-certificates.js';
import { findPgBackRest, pgBackRestPaths, runPgBackRest, type PgBackRestPaths } from './pgbackrest.js';

export interface PointInTimeCluster {
  /** The data folder of the topology runtime (`.neo/data` for `npm start`). */
  dataDir: string;
  cluster: string;
  /** The running primary's port. */
  primaryPort: number;
  /** A superuser of the cluster (pgBackRest reads the server's state with it). */
  admin: { user: string; password?: string };
  /** The cluster's TLS: the restored server then accepts TLS only, with the local servers' certificate. */
  tls?: TlsSettings | undefined;
}

/**
 * Takes a pgBackRest backup of a hot cluster's primary (creating its stanza the first time):
 * the base that WAL is replayed onto for point-in-time recovery. The first is full, later ones
 * incremental.
 */
export async function backUpForPointInTime(cluster: PointInTimeCluster): Promise<{ durationMs: number }> {
  const started = Date.now();
  const { program, paths } = await prepared(cluster);
  const user = await serverOsUser();
  const port = [`--pg1-port=${cluster.primaryPort}`];
  await runPgBackRest(program, paths, cluster.cluster, 'stanza-create', port, user, cluster.admin);
  await runPgBackRest(program, paths, cluster.cluster, 'backup', port, user, cluster.admin);
  return { durationMs: Date.now() - started };
}

export interface PointInTimeRestoreOptions extends PointInTimeCluster {
  /** Recover up to this moment. */
  target: Date;
  /** An empty or missing folder for the new server's data. */
  intoDir: string;
  log?: (line: string) => void;
}

export interface RestoredServer {
  dataDir: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Restores a hot cluster as it was at `target` into a new server: makes sure the primary's
 * latest WAL is archived (pgBackRest `check` switches and waits), restores the newest backup
 * taken before the target, replays archived WAL up to the target, promotes, and leaves the new
 * server running on a free port. The original cluster is not touched.
 */
export async function restoreToPointInTime(options: PointInTimeRestoreOptions): Promise<RestoredServer> {
  const log = options.log ?? (() => undefined);
  const { program, paths } = await prepared(options);
  const user = await serverOsUser();
  try {
    await runPgBackRest(program, paths, options.cluster, 'check', [`--pg1-port=${options.primaryPort}`], user, options.admin);
  } catch (cause) {
    log(
      `the primary's latest WAL could not be archived first (${(cause as Error).message.split('\n')[0]}); restoring from what the archive holds`,
    );
  }
  await mkdir(options.intoDir, { recursive: true, mode: 0o700 });
  if (user) await chown(options.intoDir, user.uid, user.gid);
  await runPgBackRest(
    program,
    paths,
    options.cluster,
    'restore',
    [`--pg1-path=${options.intoDir}`, '--type=time', `--target=${pgBackRestTime(options.target)}`, '--target-action=promote'],
    user,
  );
  const server = new PostgresServer({
    dataDir: options.intoDir,
    port: await getPort(),
    binaries: await embeddedBinaries(),
    user,
    // The certificates the runtime made for this data folder (kept there, so this finds them).
    tls: options.tls
      ? await ensureLocalCertificates(path.join(options.dataDir, 'tls'), { hosts: ['127.0.0.1', 'localhost'], user })
      : undefined,
    // A copy: it must not push WAL into the original cluster's archive.
    extraSettings: { archive_mode: 'off' },
    log,
  });
  await server.start();
  try {
    await waitForPromotion(server, { ...options.admin, tls: options.tls });
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw error;
  }
  return { dataDir: options.intoDir, port: server.port, logFile: server.logFile, stop: () => server.stop() };
}

async function prepared(cluster: PointInTimeCluster): Promise<{ program: string; paths: PgBackRestPaths }> {
  const program = await findPgBackRest();
  if (!program) {
    throw new TopologyRuntimeError(
      'RUNTIME_BINARIES_MISSING',
      'Point-in-time recovery needs pgBackRest: apt-get install pgbackrest, then restart the topology (npm start)',
    );
  }
  const paths = pgBackRestPaths(cluster.dataDir, cluster.cluster);
  try {
    await access(paths.config);
  } catch {
    throw new TopologyRuntimeError(
      'RUNTIME_COMMAND_FAILED',
      `Cluster ${cluster.cluster} does not archive its WAL (no ${paths.config}): point-in-time recovery is set up for hot clusters when pgbackrest is installed, at the cluster's start (npm start).`,
    );
  }
  return { program, paths };
}

/** Recovery replays WAL with the server already accepting reads; it is done once promoted. */
async function waitForPromotion(
  server: PostgresServer,
  admin: { user: string; password?: string | undefined; tls?: TlsSettings | undefined },
  timeoutMs = 300_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await server.isRunning())) break;
    const client = new pg.Client(pgClientConfig({ host: '127.0.0.1', port: server.port, database: 'postgres', ...admin }));
    try {
      await client.connect();
      const { rows } = await client.query<{ recovering: boolean }>('SELECT pg_is_in_recovery() AS recovering');
      if (!rows[0]!.recovering) return;
    } catch {
      // starting up or shutting down
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const tail = (await readFile(server.logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
  throw new TopologyRuntimeError(
    'RUNTIME_SERVER_START_FAILED',
    `The restored server did not finish recovery to the target time. Its log (${server.logFile}) ends with:\n${tail}\n` +
      '"recovery ended before configured recovery target was reached" means the archive holds no WAL up to that time; a target before the first backup cannot be restored.',
  );
}

/** `2026-11-30 07:02:15.739+00`: the form pgBackRest takes (it refuses ISO 8601's T and Z). */
export function pgBackRestTime(at: Date): string {
  return at.toISOString().replace('T', ' ').replace('Z', '+00');
}
