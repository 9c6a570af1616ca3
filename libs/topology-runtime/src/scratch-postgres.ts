import { chown, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import getPort from 'get-port';
import { createDataDirFromTemplate } from './embedded/copy-template.js';
import { binariesChoice, serverBinaries } from './embedded/postgres-binaries.js';
import { PostgresServer } from './embedded/postgres-server.js';
import { serverOsUser } from './embedded/server-os-user.js';
import { serverReachableTempDir } from './embedded/server-user-access.js';
import { SUPERUSER } from './embedded/template-data-dir.js';
import { guardServer, releaseServer, type GuardedServer } from './lifecycle/server-guard.js';

export interface ScratchPostgresOptions {
  log?: (line: string) => void;
  /** Which PostgreSQL 15 programs run it, as `startTopology`'s `binaries` (default `NEO_PG_BINARIES`, else embedded). */
  binaries?: 'embedded' | 'system' | 'auto';
}

/** A throwaway PostgreSQL 15 server: superuser credentials in `url`, everything deleted by `stop()`. */
export interface ScratchPostgres {
  /** `postgresql://postgres:<password>@127.0.0.1:<port>/postgres` */
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /** Where its data lives until `stop()`. */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts one embedded PostgreSQL 15 server in a fresh temporary directory on a
 * free port. It is stopped and removed by `stop()`, and also when this process
 * exits or is killed.
 */
export async function startScratchPostgres(options: ScratchPostgresOptions = {}): Promise<ScratchPostgres> {
  const [binaries, user] = await Promise.all([serverBinaries(binariesChoice(options)), serverOsUser()]);
  const root = await mkdtemp(path.join(await serverReachableTempDir(user), 'neo-scratch-pg-'));
  // The server's OS user writes its log next to the data directory.
  if (user) await chown(root, user.uid, user.gid);
  const dataDir = path.join(root, 'data');
  let guard: GuardedServer | undefined;
  try {
    const template = await createDataDirFromTemplate(dataDir, binaries, user, options.log);
    const server = new PostgresServer({
      dataDir,
      port: await getPort(),
      binaries,
      user,
      durable: false,
      ...(options.log ? { log: options.log } : {}),
    });
    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        await server.stop();
        if (guard) releaseServer(guard);
        await rm(root, { recursive: true, force: true });
      })();
      return stopped;
    };
    guard = { dataDir, removeDir: root, stop };
    guardServer(guard, { pgCtl: binaries.pgCtl, user });
    await server.start();
    const host = '127.0.0.1';
    const password = template.superuserPassword;
    return {
      url: `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@${host}:${server.port}/postgres`,
      host,
      port: server.port,
      user: SUPERUSER,
      password,
      dataDir,
      stop,
    };
  } catch (error) {
    if (guard) await guard.stop().catch(() => undefined);
    else await rm(root, { recursive: true, force: true });
    throw error;
  }
}
