import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, realpath, rmdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { TopologyRuntimeError } from '../errors.js';
import type { ServerOsUser } from './server-os-user.js';
import { firstBlockedDir, serverReachableTempDir, unreachableDirMessage } from './server-user-access.js';

/**
 * A persistent data directory the server's OS user can use. When root asks for one inside a
 * folder `postgres` cannot enter (`.neo/data` of a checkout in /root), a new or empty one becomes
 * a link to a folder in the temp directory named after the requested path, so every run of that
 * checkout finds its data again. The servers are given the target's path, never the link's. Existing data is never moved: then the answer is one line
 * saying why and what to do.
 */
export async function reachableDataDir(dataDir: string, user: ServerOsUser | undefined, log: (line: string) => void): Promise<string> {
  const blocked = await firstBlockedDir(dataDir, user);
  if (!blocked) {
    await mkdir(dataDir, { recursive: true });
    return dataDir;
  }
  const existing = await lstat(dataDir).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    // Made by an earlier run. The servers get the link's target: they cannot pass through the link's folder.
    return realpath(dataDir);
  }
  if (existing && (!existing.isDirectory() || (await readdir(dataDir)).length > 0)) {
    throw new TopologyRuntimeError('RUNTIME_DIR_UNREACHABLE', unreachableDirMessage('the data directory', dataDir, blocked));
  }
  const digest = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  const target = path.join(await serverReachableTempDir(user), `neo-data-${digest}`);
  await mkdir(target, { recursive: true, mode: 0o700 });
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (existing) await rmdir(dataDir);
  await symlink(target, dataDir, 'dir');
  log(`the OS user "postgres" cannot enter ${blocked}: data of ${dataDir} lives in ${target} (linked)`);
  return target;
}
