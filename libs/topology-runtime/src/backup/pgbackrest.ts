import { chown, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ServerOsUser } from '../embedded/server-os-user.js';
import { runProgram } from '../run-program.js';
import { findProgram } from '../find-program.js';

/** Where pgBackRest keeps one cluster's configuration, repository, logs and locks: beside the cluster's nodes. */
export interface PgBackRestPaths {
  root: string;
  config: string;
  repository: string;
  /** The primary's Unix socket folder: pgBackRest talks to the server through a socket only. */
  socket: string;
}

/** The stanza (pgBackRest's name for one cluster's backups) is the cluster's name. */
export function pgBackRestPaths(dataDir: string, cluster: string): PgBackRestPaths {
  const root = path.join(dataDir, cluster, 'pgbackrest');
  return { root, config: path.join(root, 'pgbackrest.conf'), repository: path.join(root, 'repo'), socket: path.join(root, 'socket') };
}

/** The pgbackrest program (Debian: apt-get install pgbackrest): `$NEO_PGBACKREST`, PATH, /usr/bin; undefined when it is not installed. */
export function findPgBackRest(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return Promise.resolve(findProgram('pgbackrest', { given: env['NEO_PGBACKREST'], folders: ['/usr/bin', '/usr/local/bin'], env }));
}

/**
 * Writes the cluster's pgbackrest.conf (folders owned by the server's OS user, who runs
 * archive-push from the server). The server's port is not in it: the commands are given it.
 */
export async function writePgBackRestConfig(
  paths: PgBackRestPaths,
  cluster: string,
  primaryDataDir: string,
  user: ServerOsUser | undefined,
): Promise<void> {
  for (const dir of [paths.root, paths.repository, paths.socket, path.join(paths.root, 'log'), path.join(paths.root, 'lock')]) {
    await mkdir(dir, { recursive: true, mode: 0o750 });
    if (user) await chown(dir, user.uid, user.gid);
  }
  const config = [
    '# Written by the topology runtime: point-in-time recovery for this hot cluster.',
    '[global]',
    `repo1-path=${paths.repository}`,
    // Full backups kept; WAL older than the oldest kept backup is expired with them.
    'repo1-retention-full=2',
    `log-path=${path.join(paths.root, 'log')}`,
    `lock-path=${path.join(paths.root, 'lock')}`,
    'log-level-console=warn',
    'log-level-file=info',
    // An immediate checkpoint: a backup does not wait for the next scheduled one.
    'start-fast=y',
    '',
    `[${cluster}]`,
    `pg1-path=${primaryDataDir}`,
    `pg1-socket-path=${paths.socket}`,
    '',
  ].join('\n');
  await writeFile(paths.config, config, { mode: 0o640 });
  if (user) await chown(paths.config, user.uid, user.gid);
}

/** Runs a pgbackrest command for a stanza as the server's OS user (its files must stay the server's). */
export function runPgBackRest(
  program: string,
  paths: PgBackRestPaths,
  stanza: string,
  command: string,
  options: string[],
  user: ServerOsUser | undefined,
  login?: { user: string; password?: string | undefined },
): Promise<string> {
  const args = [`--config=${paths.config}`, `--stanza=${stanza}`, ...(login ? [`--pg1-user=${login.user}`] : []), ...options, command];
  // libpq reads the password from the environment: never on the command line.
  const env = login?.password !== undefined ? { ...process.env, PGPASSWORD: login.password } : process.env;
  return runProgram(program, args, { user, env, ...(login?.password ? { secrets: [login.password] } : {}) });
}
