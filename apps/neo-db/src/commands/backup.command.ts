import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Topology } from '@neo/topology';
import { backUpForPointInTime, pgBackRestPaths } from '@neo/topology-runtime';
import type { AdminLogin } from '@neo/data/cutover';
import { adminLogins } from '../cutover-commands.js';
import { formatBytes, runBackup } from '../backup/run-backup.js';
import { NeoDbError } from '../neo-db.error.js';
import { runningTopology } from '../running-topology.js';
import type { WorkspacePaths } from '../workspace-paths.js';

export interface BackupCommandValues {
  cluster?: string | undefined;
  service?: string | undefined;
  dir?: string | undefined;
  jobs?: string | undefined;
}

/** `neo-db backup [--cluster X | --service Y] [--dir D] [--jobs N]`: one dated folder with a dump per database and a manifest. */
export async function backupCommand(
  values: BackupCommandValues,
  positionals: string[],
  paths: WorkspacePaths,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (positionals.length > 0)
    throw new NeoDbError(`neo-db backup takes no arguments (got ${positionals.join(' ')}); use --cluster or --service`, 'usage');
  if (values.cluster && values.service) throw new NeoDbError('give --cluster or --service, not both', 'usage');
  const jobs = parseJobs(values.jobs);
  const topology = runningTopology(paths);
  const root = values.dir ?? env['NEO_BACKUP_DIR'] ?? defaultBackupRoot(paths);
  const started = Date.now();
  const result = await runBackup({
    topology,
    admin: adminLogins(topology, paths, env),
    root,
    scope: { ...(values.cluster ? { cluster: values.cluster } : {}), ...(values.service ? { service: values.service } : {}) },
    jobs,
    log,
  });
  const bytes = result.manifest.dumps.reduce((total, dump) => total + dump.sizeBytes, 0);
  const rows = result.manifest.dumps.reduce((total, dump) => total + dump.tables.reduce((sum, table) => sum + table.rows, 0), 0);
  log(
    `backup: ${result.manifest.dumps.length} database(s), ${formatBytes(bytes)}, ${rows} rows in ${((Date.now() - started) / 1000).toFixed(1)} s → ${result.folder}`,
  );
  log(
    result.manifest.keepDays === undefined
      ? '  kept until removed (a cluster in it declares no backups.keepDays)'
      : `  kept ${result.manifest.keepDays} days (backups.keepDays)`,
  );
  for (const folder of result.pruned) log(`  removed ${folder} (older than its keepDays)`);
  const admin = adminLogins(topology, paths, env);
  await pointInTimeBackups(topology, [...new Set(result.manifest.dumps.map((dump) => dump.cluster))], paths, admin, log);
  return 0;
}

/**
 * The hot clusters `npm start` archives WAL for (pgbackrest installed) also get a pgBackRest
 * backup: the base that `neo-db restore --cluster X --to <time>` replays WAL onto.
 */
async function pointInTimeBackups(
  topology: Topology,
  clusters: string[],
  paths: WorkspacePaths,
  admin: (cluster: string) => AdminLogin,
  log: (line: string) => void,
): Promise<void> {
  for (const cluster of clusters) {
    if (!existsSync(pgBackRestPaths(paths.localDataDir, cluster).config)) continue;
    const { durationMs } = await backUpForPointInTime({
      dataDir: paths.localDataDir,
      cluster,
      primaryPort: topology.clusters[cluster]!.primary.port!,
      admin: admin(cluster),
    });
    log(`  ${cluster}: pgBackRest backup for point-in-time recovery, ${(durationMs / 1000).toFixed(1)} s`);
  }
}

/** `.neo/backups`, beside the local data. */
export function defaultBackupRoot(paths: WorkspacePaths): string {
  return join(dirname(paths.localDataDir), 'backups');
}

export function parseJobs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const jobs = Number(text);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64)
    throw new NeoDbError(`--jobs must be a whole number from 1 to 64 (got "${text}")`, 'usage');
  return jobs;
}
