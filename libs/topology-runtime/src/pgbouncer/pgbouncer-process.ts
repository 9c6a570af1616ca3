import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import getPort from 'get-port';
import type { PgBouncerSettings, TlsSettings } from '@neo/topology';
import { serverOsUser } from '../embedded/server-os-user.js';
import { TopologyRuntimeError } from '../errors.js';
import { renderPgBouncerAuthFile, renderPgBouncerIni, type PgBouncerPlan, type PgBouncerServer } from './pgbouncer-config.js';

/** What one cluster's PgBouncer is started with, wherever it runs. */
export interface PgBouncerLaunch {
  cluster: string;
  settings: PgBouncerSettings;
  primary: PgBouncerServer;
  replicas: PgBouncerServer[];
  databases: string[];
  credentials: PgBouncerPlan['credentials'];
  logins?: PgBouncerPlan['logins'];
  /** TLS to the servers and from the clients (see `PgBouncerPlan.tls`). */
  tls?: PgBouncerPlan['tls'];
}

/** Starts one cluster's PgBouncer: a process on this machine (`startPgBouncer`), or a container beside the servers. */
export type PgBouncerLauncher = (launch: PgBouncerLaunch) => Promise<RunningPgBouncer>;

export interface StartPgBouncerOptions extends PgBouncerLaunch {
  /** The `pgbouncer` program (see `findPgBouncer`). */
  binary: string;
  /** How long to wait for it to accept connections (default 10 s). */
  startTimeoutMs?: number;
}

/** A PgBouncer this process started. */
export interface RunningPgBouncer {
  cluster: string;
  host: string;
  port: number;
  /** The admin console's login (database `pgbouncer`): `SHOW STATS`, `SHOW POOLS`; `tls` when it accepts TLS only. */
  admin: { user: string; password: string; tls?: TlsSettings };
  /** The generated configuration, for people who want to read it (in a container: `<container>:<path>`). */
  configFile: string;
  stop(): Promise<void>;
}

const LISTEN_HOST = '127.0.0.1';
/** The admin console's user: PgBouncer's own, no server role. */
export const PGBOUNCER_ADMIN_USER = 'neo_pgbouncer_admin';
/** Each running PgBouncer and its folder, for the exit hook. */
const running = new Map<ChildProcess, string>();

/**
 * Starts one PgBouncer for a cluster on a free loopback port, from a configuration generated into
 * a fresh folder. As root it runs as the OS user `postgres` (PgBouncer refuses to run as root),
 * which owns that folder; its open-file limit is raised to the hard limit so `max_client_conn`
 * clients fit. It is stopped by `stop()` and, should this process exit first, by the exit hook.
 */
export async function startPgBouncer(options: StartPgBouncerOptions): Promise<RunningPgBouncer> {
  const user = await serverOsUser();
  const dir = await mkdtemp(path.join(tmpdir(), `neo-pgbouncer-${options.cluster}-`));
  const plan: PgBouncerPlan = {
    cluster: options.cluster,
    settings: options.settings,
    listen: { host: LISTEN_HOST, port: await getPort({ host: LISTEN_HOST }) },
    primary: options.primary,
    replicas: options.replicas,
    databases: options.databases,
    credentials: options.credentials,
    ...(options.logins ? { logins: options.logins } : {}),
    admin: { user: PGBOUNCER_ADMIN_USER, password: randomBytes(18).toString('base64url') },
    dir,
    ...(options.tls ? { tls: options.tls } : {}),
  };
  const configFile = path.join(dir, 'pgbouncer.ini');
  await writeFile(configFile, renderPgBouncerIni(plan));
  await writeFile(path.join(dir, 'users.txt'), renderPgBouncerAuthFile(plan), { mode: 0o600 });
  if (user) {
    for (const file of [dir, configFile, path.join(dir, 'users.txt')]) await chown(file, user.uid, user.gid);
  }
  await chmod(dir, 0o700);

  // `ulimit -S -n` up to the hard limit: the default soft limit (1024) holds fewer clients than max_client_conn.
  const child = spawn('/bin/sh', ['-c', 'ulimit -S -n "$(ulimit -H -n)" 2>/dev/null; exec "$0" "$@"', options.binary, configFile], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C' },
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  running.set(child, dir);
  installExitHook();
  exited.then(
    () => running.delete(child),
    () => undefined,
  );

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilListening(plan.listen, exited, options.startTimeoutMs ?? 10_000);
  } catch (cause) {
    const log = await readFile(path.join(dir, 'pgbouncer.log'), 'utf8').catch(() => '');
    await stop();
    throw new TopologyRuntimeError(
      'RUNTIME_SERVER_START_FAILED',
      `PgBouncer of cluster "${options.cluster}" did not start: ${lastLines(log + stderr) || (cause as Error).message}`,
      { cause },
    );
  }
  return {
    cluster: options.cluster,
    host: plan.listen.host,
    port: plan.listen.port,
    admin: { ...plan.admin, ...(plan.tls ? { tls: { ca: plan.tls.ca } } : {}) },
    configFile,
    stop,
  };
}

async function waitUntilListening(address: { host: string; port: number }, exited: Promise<void>, timeoutMs: number): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error('it exited');
    if (await accepts(address)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listened on ${address.host}:${address.port} after ${timeoutMs} ms`);
}

function accepts(address: { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(address.port, address.host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}

let exitHookInstalled = false;
/** A PgBouncer must not outlive the process that started it (Ctrl-C, a crash, `process.exit`). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [child, dir] of running) {
      child.kill('SIGTERM');
      // Its auth file holds a secret: nothing of it stays behind.
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
