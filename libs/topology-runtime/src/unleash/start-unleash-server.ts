import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import getPort from 'get-port';
import { verifyFull, type TlsSettings } from '@neo/topology';
import pg from 'pg';
import { startScratchPostgres } from '../scratch-postgres.js';
import { UnleashAdmin, type AdminStrategy } from './unleash-admin.js';

export interface UnleashServerOptions {
  /**
   * A PostgreSQL server to keep Unleash's data on, as a superuser URL (e.g.
   * `postgresql://postgres@127.0.0.1:5432/postgres`): a uniquely named database is created
   * there and dropped by `stop()`. Default: a scratch PostgreSQL started for this server.
   */
  readonly databaseUrl?: string;
  /**
   * Keep Unleash's data in this database on `databaseUrl`'s server (created when missing) and
   * leave it there on `stop()`, so flags survive restarts (`neo-db up`). Default: a uniquely
   * named database, dropped by `stop()`.
   */
  readonly databaseName?: string;
  /** `databaseUrl`'s server takes verified TLS only (its cluster's `tls`, with the CA). */
  readonly databaseTls?: TlsSettings | undefined;
  /** The port to listen on; default a free one. */
  readonly port?: number;
  /** Tokens to create at start; default random ones. Local development only: set them from the environment. */
  readonly adminToken?: string;
  readonly clientToken?: string;
  /** How long to wait for the server to come up (it runs its migrations on first start). Default 180 s. */
  readonly startTimeoutMs?: number;
}

export interface RunningUnleashServer {
  /** The API address a client takes, `http://127.0.0.1:<port>/api`. */
  readonly url: string;
  readonly port: number;
  readonly adminToken: string;
  /** A backend token for environment `development` of project `default`. */
  readonly clientToken: string;
  /** The database Unleash keeps its data in, without credentials (for messages). */
  readonly database: string;
  createFlag(name: string, strategies?: readonly AdminStrategy[]): Promise<void>;
  /** Creates the flag (off, with these strategies) unless it exists; true when it was created. */
  ensureFlag(name: string, strategies?: readonly AdminStrategy[]): Promise<boolean>;
  enable(name: string): Promise<void>;
  disable(name: string): Promise<void>;
  /** flexibleRollout of `percent` % sticky by userId, groupId the flag name; turns the flag on. */
  setRollout(name: string, percent: number): Promise<void>;
  /** Kills the server process at once (an outage); its data stays for `restart()`. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and data. */
  restart(): Promise<void>;
  /** Stops the server and removes its database (and scratch PostgreSQL). Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a real unleash-server (the npm package) in a child process on a free port (or the one given), with a
 * fresh database and its own admin and client tokens.
 */
export async function startUnleashServer(options: UnleashServerOptions = {}): Promise<RunningUnleashServer> {
  const tls = options.databaseTls;
  const database = await createDatabase(options.databaseUrl, options.databaseName, tls);
  const secret = randomBytes(12).toString('hex');
  const adminToken = options.adminToken ?? `*:*.${secret}admin`;
  const clientToken = options.clientToken ?? `default:development.${secret}client`;
  let port = 0;
  let child: ChildProcess | undefined;
  const timeoutMs = options.startTimeoutMs ?? 180_000;

  const launch = async (): Promise<void> => {
    child = await launchServer({ databaseUrl: database.url, databaseTls: tls, port, adminToken, clientToken, timeoutMs });
  };

  try {
    port = options.port ?? (await getPort());
    await launch();
  } catch (error) {
    await database.drop();
    throw error;
  }

  const admin = new UnleashAdmin(() => `http://127.0.0.1:${port}`, adminToken);
  let stopped: Promise<void> | undefined;
  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running) await endProcess(running, 'SIGKILL');
  };

  return {
    url: `http://127.0.0.1:${port}/api`,
    port,
    adminToken,
    clientToken,
    database: database.label,
    createFlag: (name, strategies) => admin.createFlag(name, strategies),
    ensureFlag: (name, strategies) => admin.ensureFlag(name, strategies),
    enable: (name) => admin.enable(name),
    disable: (name) => admin.disable(name),
    setRollout: (name, percent) => admin.setRollout(name, percent),
    kill,
    restart: async () => {
      await kill();
      await launch();
    },
    stop: () => {
      stopped ??= (async () => {
        const running = child;
        child = undefined;
        if (running) await endProcess(running, 'SIGTERM');
        await database.drop();
      })();
      return stopped;
    },
  };
}

interface LaunchOptions {
  readonly databaseUrl: string;
  readonly databaseTls: TlsSettings | undefined;
  readonly port: number;
  readonly adminToken: string;
  readonly clientToken: string;
  readonly timeoutMs: number;
}

/** The child script sits next to this file, with this file's extension (.ts in tests, .js once built). */
function childScript(): string {
  const self = fileURLToPath(import.meta.url);
  return path.join(path.dirname(self), `unleash-server.child${path.extname(self)}`);
}

async function launchServer(options: LaunchOptions): Promise<ChildProcess> {
  const child = fork(childScript(), [], {
    // Not the test runner's loader flags: the child is plain Node (which strips the types of a .ts script).
    execArgv: [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEO_UNLEASH_DATABASE_URL: options.databaseUrl,
      // The child cannot import the workspace's sources: it gets the settings and applies them as verifyFull does.
      ...(options.databaseTls ? { NEO_UNLEASH_DATABASE_TLS: JSON.stringify(options.databaseTls) } : {}),
      NEO_UNLEASH_PORT: String(options.port),
      INIT_ADMIN_API_TOKENS: options.adminToken,
      INIT_BACKEND_API_TOKENS: options.clientToken,
      SEND_TELEMETRY: 'false',
      CHECK_VERSION: 'false',
    },
  });
  // Unleash logs a lot; keep the tail for the error message of a failed start only.
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 30));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`unleash-server did not start within ${options.timeoutMs} ms`)), options.timeoutMs);
      child.on('message', (message: { type?: string; message?: string }) => {
        if (message.type === 'ready') {
          clearTimeout(timer);
          resolve();
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`unleash-server failed to start: ${message.message ?? 'unknown error'}`));
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`unleash-server exited during start (code ${code}, signal ${signal})`));
      });
    });
  } catch (error) {
    await endProcess(child, 'SIGKILL');
    throw new Error(`${(error as Error).message}\n--- last output ---\n${output.join('\n')}`, { cause: error });
  }
  return child;
}

/** Signals the process and waits for it to be gone (SIGKILL after 10 s if it lingers). */
async function endProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const lingering = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(lingering);
  child.stdout?.destroy();
  child.stderr?.destroy();
}

interface UnleashDatabase {
  readonly url: string;
  readonly label: string;
  drop(): Promise<void>;
}

/** A fresh database for Unleash: on the given server, or on a scratch server of its own. */
async function createDatabase(
  serverUrl: string | undefined,
  keptName: string | undefined,
  tls: TlsSettings | undefined,
): Promise<UnleashDatabase> {
  if (serverUrl && keptName) return keepDatabaseOn(serverUrl, keptName, tls);
  if (!serverUrl) {
    const scratch = await startScratchPostgres();
    try {
      const database = await createDatabaseOn(scratch.url);
      return { url: database.url, label: `${database.label} on a scratch PostgreSQL`, drop: () => scratch.stop() };
    } catch (error) {
      await scratch.stop();
      throw error;
    }
  }
  return createDatabaseOn(serverUrl, tls);
}

async function createDatabaseOn(serverUrl: string, tls?: TlsSettings): Promise<UnleashDatabase> {
  const name = `neo_unleash_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`create database ${name}`), tls);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | undefined;
  return {
    url: url.toString(),
    label: `${name} at ${url.host}`,
    drop: () => {
      dropped ??= withAdminClient(
        serverUrl,
        async (client) => {
          await client.query(`drop database if exists ${name} with (force)`);
        },
        tls,
      );
      return dropped;
    },
  };
}

/** A database that outlives the server: created when missing, never dropped. */
async function keepDatabaseOn(serverUrl: string, name: string, tls: TlsSettings | undefined): Promise<UnleashDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name))
    throw new Error(`Unleash database name ${JSON.stringify(name)} must be a plain lower-case identifier`);
  await withAdminClient(
    serverUrl,
    async (client) => {
      const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (!rowCount) await client.query(`create database ${name}`);
    },
    tls,
  );
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), label: `${name} at ${url.host}`, drop: () => Promise.resolve() };
}

async function withAdminClient<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>, tls?: TlsSettings): Promise<T> {
  const ssl = tls ? { ssl: verifyFull(new URL(serverUrl).hostname, tls) } : {};
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000, ...ssl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
