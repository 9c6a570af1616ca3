import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TopologyRuntimeError } from '../errors.js';
import type { ServerOsUser } from './server-os-user.js';

/**
 * The first existing folder on the way to `target` (itself included) that the server's OS user
 * cannot enter, or `undefined` when it can reach `target`. A root process runs PostgreSQL as
 * `postgres`, which cannot enter e.g. /root or a `mktemp -d` folder (mode 0700): every program
 * or data directory below such a folder fails with EACCES. Decided from owner, group and mode bits
 * (ACLs are not read), so the answer names the folder in the way.
 */
export async function firstBlockedDir(target: string, user: ServerOsUser | undefined): Promise<string | undefined> {
  if (!user) return undefined;
  const absolute = path.resolve(target);
  const parts = absolute.split(path.sep).filter(Boolean);
  for (let depth = 0; depth <= parts.length; depth++) {
    const dir = path.sep + parts.slice(0, depth).join(path.sep);
    let info;
    try {
      info = await stat(dir);
    } catch {
      return undefined; // the rest does not exist yet; whoever creates it decides its modes
    }
    if (!info.isDirectory()) return undefined;
    if (!canEnter(info, user)) return dir;
  }
  return undefined;
}

function canEnter(info: { uid: number; gid: number; mode: number }, user: ServerOsUser): boolean {
  if (info.uid === user.uid) return (info.mode & 0o100) !== 0;
  if (info.gid === user.gid || (user.groups ?? []).includes(info.gid)) return (info.mode & 0o010) !== 0;
  return (info.mode & 0o001) !== 0;
}

/**
 * Where throwaway servers, their template and copied binaries live: the temp directory, or
 * /var/tmp when the server's OS user cannot enter the temp directory (TMPDIR set to a private folder).
 */
export async function serverReachableTempDir(user: ServerOsUser | undefined): Promise<string> {
  const candidates = [...new Set([tmpdir(), '/var/tmp', '/tmp'])];
  for (const candidate of candidates) {
    if (!(await firstBlockedDir(candidate, user))) return candidate;
  }
  throw new TopologyRuntimeError(
    'RUNTIME_DIR_UNREACHABLE',
    `PostgreSQL runs as the OS user "postgres" (this process is root) and it can enter none of ${candidates.join(', ')}; set TMPDIR to a folder it can enter, or run as a normal user.`,
  );
}

/** One line that says why a folder cannot serve and what to do instead. */
export function unreachableDirMessage(what: string, target: string, blocked: string): string {
  return (
    `PostgreSQL runs as the OS user "postgres" because this process is root, and that user cannot enter ${blocked}, ` +
    `so it cannot use ${what} ${target}. Choose a folder it can enter (e.g. under /var/tmp), let it pass (chmod o+x ${blocked}), or run as a normal user.`
  );
}
