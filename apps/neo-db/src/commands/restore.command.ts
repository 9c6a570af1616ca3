import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { backupFolderName } from '../backup/backup-retention.js';
import { adminLogins } from '../cutover-commands.js';
import { restoreBackup } from '../backup/restore-backup.js';
import { restoreTargetFromUrl, type RestoreTarget } from '../backup/restore-target.js';
import { NeoDbError } from '../neo-db.error.js';
import { runningTopology } from '../running-topology.js';
import type { WorkspacePaths } from '../workspace-paths.js';
import { parseJobs } from './backup.command.js';
import { restoreToPointInTime } from '@neo/topology-runtime';

export interface RestoreCommandValues {
  into?: string | undefined;
  service?: string | undefined;
  cluster?: string | undefined;
  force?: boolean | undefined;
  jobs?: string | undefined;
  to?: string | undefined;
}

/**
 * `neo-db restore <backup> [--service Y | --cluster X] --into <cluster|postgres://…> [--force]`:
 * restores, then verifies every table against the manifest before it reports done.
 */
export async function restoreCommand(
  values: RestoreCommandValues,
  positionals: string[],
  paths: WorkspacePaths,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (values.to !== undefined) return pointInTimeCommand(values, positionals, paths, log, env);
  if (positionals.length !== 1) {
    throw new NeoDbError(
      positionals.length === 0
        ? 'neo-db restore needs the backup folder, e.g. neo-db restore .neo/backups/2026-11-30T02-00-00Z --into core'
        : `neo-db restore takes one backup folder (got ${positionals.join(', ')})`,
      'usage',
    );
  }
  if (!values.into) throw new NeoDbError('--into is required: a cluster of the running topology, or postgres://user@host:port', 'usage');
  if (values.cluster && values.service) throw new NeoDbError('give --cluster or --service, not both', 'usage');
  const folder = resolve(positionals[0]!);
  if (!existsSync(folder)) throw new NeoDbError(`the backup folder ${folder} does not exist`, 'usage');
  const into = restoreTarget(values.into, paths, env);
  const started = Date.now();
  // A refusal (live databases without --force) or a difference throws: the CLI prints it, exit 1.
  const restored = await restoreBackup({
    folder,
    into,
    scope: { ...(values.cluster ? { cluster: values.cluster } : {}), ...(values.service ? { service: values.service } : {}) },
    force: values.force === true,
    jobs: parseJobs(values.jobs),
    log,
  });
  const rows = restored.reduce((total, entry) => total + entry.rowsVerified, 0);
  log(
    `restore: ${restored.length} database(s) into ${into.label}, ${rows} rows verified against the manifest in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}

function restoreTarget(into: string, paths: WorkspacePaths, env: NodeJS.ProcessEnv): RestoreTarget {
  const fromUrl = restoreTargetFromUrl(into, env);
  if (fromUrl) return fromUrl;
  if (into.includes('://')) throw new NeoDbError(`--into: "${into.split('@').pop()}" is not a postgres:// URL`, 'usage');
  const topology = runningTopology(paths);
  const cluster = Object.hasOwn(topology.clusters, into) ? topology.clusters[into] : undefined;
  if (!cluster) {
    throw new NeoDbError(
      `--into: "${into}" is neither a cluster of the topology (${Object.keys(topology.clusters).join(', ')}) nor a postgres://user@host:port URL`,
      'usage',
    );
  }
  return {
    label: into,
    host: cluster.primary.host!,
    port: cluster.primary.port!,
    login: adminLogins(topology, paths, env)(into),
    ...(cluster.tls ? { tls: cluster.tls } : {}),
  };
}

/**
 * `neo-db restore --cluster X --to <time> [--into <folder>]`: the hot cluster as it was at that
 * time, in a new server left running; the cluster itself is not touched.
 */
async function pointInTimeCommand(
  values: RestoreCommandValues,
  positionals: string[],
  paths: WorkspacePaths,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  if (positionals.length > 0)
    throw new NeoDbError('--to restores a cluster from its WAL archive, not a dump folder: drop the folder argument', 'usage');
  if (!values.cluster) throw new NeoDbError('--to needs --cluster: the hot cluster to restore, e.g. --cluster core', 'usage');
  const target = new Date(values.to!);
  if (Number.isNaN(target.getTime())) {
    throw new NeoDbError(`--to "${values.to}" is not a time; give one with its zone, e.g. 2026-11-30T06:00:00Z`, 'usage');
  }
  const topology = runningTopology(paths);
  const cluster = Object.hasOwn(topology.clusters, values.cluster) ? topology.clusters[values.cluster] : undefined;
  if (!cluster)
    throw new NeoDbError(
      `--cluster: "${values.cluster}" is not a cluster of the topology (${Object.keys(topology.clusters).join(', ')})`,
      'usage',
    );
  const intoDir = resolve(
    values.into ?? join(dirname(paths.localDataDir), 'restores', `${values.cluster}-${backupFolderName(new Date())}`),
  );
  const started = Date.now();
  const server = await restoreToPointInTime({
    dataDir: paths.localDataDir,
    cluster: values.cluster,
    primaryPort: cluster.primary.port!,
    target,
    intoDir,
    admin: adminLogins(topology, paths, env)(values.cluster),
    tls: cluster.tls,
    log,
  });
  log(
    `restore: ${values.cluster} as of ${target.toISOString()} runs on 127.0.0.1:${server.port} (data ${server.dataDir}, log ${server.logFile}), ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  log(`  same roles and passwords as ${values.cluster}; stop it with: pg_ctl stop -D ${server.dataDir} (as the server's OS user)`);
  return 0;
}
