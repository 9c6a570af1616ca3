import { findProgram } from '../find-program.js';

/** Where Debian's `pgbouncer` package puts the binary, for a PATH without the sbin folders. */
const SBIN_FOLDERS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/**
 * The `pgbouncer` program: `$NEO_PGBOUNCER` when set, else the first on PATH or in the sbin
 * folders; `undefined` when it is not installed (`apt-get install -y pgbouncer`).
 */
export function findPgBouncer(env: NodeJS.ProcessEnv = process.env, sbinFolders: readonly string[] = SBIN_FOLDERS): string | undefined {
  return findProgram('pgbouncer', { given: env['NEO_PGBOUNCER'], folders: sbinFolders, env });
}
