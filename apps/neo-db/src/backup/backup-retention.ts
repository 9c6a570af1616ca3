import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readManifest } from './backup-manifest.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Removes the backups under `root` older than their own `keepDays` (written into each manifest
 * when it was made, from the topology's `backups.keepDays`). A backup without keepDays, and any
 * folder that is not a backup, is left alone. Resolves to the removed folders.
 */
export async function pruneBackups(root: string, now: Date = new Date()): Promise<string[]> {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch {
    return removed;
  }
  for (const name of entries.sort()) {
    const folder = join(root, name);
    const manifest = await readManifest(folder).catch(() => undefined);
    if (!manifest || manifest.keepDays === undefined) continue;
    if (now.getTime() - new Date(manifest.createdAt).getTime() > manifest.keepDays * DAY_MS) {
      await rm(folder, { recursive: true, force: true });
      removed.push(folder);
    }
  }
  return removed;
}

/** The longest keepDays among the clusters a backup holds; undefined when any of them declares none (keep it). */
export function keepDaysOf(keepDaysByCluster: ReadonlyArray<number | undefined>): number | undefined {
  if (keepDaysByCluster.length === 0 || keepDaysByCluster.some((days) => days === undefined)) return undefined;
  return Math.max(...(keepDaysByCluster as number[]));
}

/** `2026-11-30T06-12-03Z`: a folder name that sorts by time and is valid on every file system. */
export function backupFolderName(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}
