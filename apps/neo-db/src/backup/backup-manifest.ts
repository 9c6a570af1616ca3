import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupTarget } from './backup-targets.js';

/** Row count and checksum of one table as the dump's snapshot saw it (see @neo/data/cutover tableChecksum). */
export interface TableSnapshot {
  schema: string;
  table: string;
  rows: number;
  checksum: string;
}

/** One dumped database, as `manifest.json` records it. */
export interface DumpEntry extends BackupTarget {
  /** The dump file, relative to the backup folder. */
  file: string;
  /** The server it was read from: node name, address and PostgreSQL version. */
  server: { node: string; host: string; port: number; version: string };
  /** The database's owner role on that server. */
  owner: string;
  sizeBytes: number;
  sha256: string;
  /** The WAL position of the snapshot the dump and the table checksums were read in. */
  walLsn: string;
  /** When the snapshot was taken (ISO 8601, UTC). */
  snapshotAt: string;
  durationMs: number;
  tables: TableSnapshot[];
}

export interface BackupManifest {
  format: 'neo-db-backup/1';
  createdAt: string;
  /** Days this backup is kept (the longest `backups.keepDays` of its clusters); absent: kept until removed by hand. */
  keepDays?: number;
  dumps: DumpEntry[];
}

export const MANIFEST_FILE = 'manifest.json';

export async function writeManifest(folder: string, manifest: BackupManifest): Promise<void> {
  await writeFile(join(folder, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
}

export async function readManifest(folder: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(join(folder, MANIFEST_FILE), 'utf8');
  } catch (cause) {
    throw new Error(`${folder} is not a backup: it has no ${MANIFEST_FILE}. Give the dated folder neo-db backup printed.`, { cause });
  }
  const manifest = JSON.parse(text) as BackupManifest;
  if (manifest.format !== 'neo-db-backup/1') {
    throw new Error(`${join(folder, MANIFEST_FILE)} is not a neo-db backup manifest (format "${String(manifest.format)}")`);
  }
  return manifest;
}

/** The sha256 of a file, streamed (dumps can be large). */
export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
