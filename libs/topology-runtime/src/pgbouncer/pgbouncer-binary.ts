import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Where Debian's `pgbouncer` package puts the binary, for a PATH without the sbin folders. */
const SBIN_FOLDERS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/**
 * The `pgbouncer` program: `$NEO_PGBOUNCER` when set, else the first on PATH or in the sbin
 * folders; `undefined` when it is not installed (`apt-get install -y pgbouncer`).
 */
export function findPgBouncer(env: NodeJS.ProcessEnv = process.env, sbinFolders: readonly string[] = SBIN_FOLDERS): string | undefined {
  const given = env['NEO_PGBOUNCER'];
  if (given) return given;
  const folders = [...(env['PATH'] ?? '').split(path.delimiter).filter(Boolean), ...sbinFolders];
  return folders.map((folder) => path.join(folder, 'pgbouncer')).find(isExecutable);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
