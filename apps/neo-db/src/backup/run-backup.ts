import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { Topology } from '@neo/topology';
import type { AdminLogin } from '@neo/data/cutover';
import { writeManifest, type BackupManifest, type DumpEntry } from './backup-manifest.js';
import { backupFolderName, keepDaysOf, pruneBackups } from './backup-retention.js';
import { backupTargets, targetLabel, type BackupScope } from './backup-targets.js';
import { dumpDatabase } from './dump-database.js';
import { settleAll } from './settle-all.js';

export interface BackupOptions {
  /** A bound topology: every primary has host and port. */
  topology: Topology;
  admin(cluster: string): AdminLogin;
  /** Where dated backup folders are made. */
  root: string;
  scope?: BackupScope;
  /** Databases dumped at the same time (default 2: each pg_dump keeps one core busy compressing). */
  jobs?: number;
  log(line: string): void;
  now?: () => Date;
}

export interface BackupResult {
  folder: string;
  manifest: BackupManifest;
  /** Older backups removed by retention. */
  pruned: string[];
}

/**
 * `neo-db backup`: dumps every database in scope from its cluster's primary into one dated
 * folder, a few at a time, prints one line per database, writes `manifest.json`, then removes
 * backups older than their retention.
 */
export async function runBackup(options: BackupOptions): Promise<BackupResult> {
  const { topology, log } = options;
  const targets = backupTargets(topology, options.scope);
  if (targets.length === 0) throw new Error('Nothing to back up: no database of the topology is in the given scope');
  const createdAt = (options.now ?? (() => new Date()))();
  const folder = join(options.root, backupFolderName(createdAt));
  for (const cluster of new Set(targets.map((target) => target.cluster))) await mkdir(join(folder, cluster), { recursive: true });

  const limit = pLimit(Math.max(1, options.jobs ?? 2));
  const dumps: DumpEntry[] = await settleAll(
    targets.map((target) =>
      limit(async () => {
        const primary = topology.clusters[target.cluster]!.primary;
        if (!primary.host || !primary.port) throw new Error(`${target.cluster}/${primary.name} has no host/port: start the topology first`);
        let entry: DumpEntry;
        try {
          entry = await dumpDatabase(
            target,
            {
              node: primary.name,
              host: primary.host,
              port: primary.port,
              login: options.admin(target.cluster),
              tls: topology.clusters[target.cluster]!.tls,
            },
            folder,
          );
        } catch (cause) {
          throw new Error(`Backing up ${targetLabel(target)} failed: ${(cause as Error).message}`, { cause });
        }
        const rows = entry.tables.reduce((total, table) => total + table.rows, 0);
        log(
          `  ${targetLabel(target)}: ${formatBytes(entry.sizeBytes)}, ${entry.tables.length} tables, ${rows} rows, WAL ${entry.walLsn}, ${(entry.durationMs / 1000).toFixed(1)} s`,
        );
        return entry;
      }),
    ),
  );

  const keepDays = keepDaysOf(
    [...new Set(targets.map((target) => target.cluster))].map((name) => topology.clusters[name]!.backups?.keepDays),
  );
  const manifest: BackupManifest = {
    format: 'neo-db-backup/1',
    createdAt: createdAt.toISOString(),
    ...(keepDays !== undefined ? { keepDays } : {}),
    dumps,
  };
  await writeManifest(folder, manifest);
  const pruned = await pruneBackups(options.root, createdAt);
  return { folder, manifest, pruned };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
