import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { adminLogins } from '../cutover-commands.js';
import { restoreBackup } from '../backup/restore-backup.js';
import { restoreTargetFromUrl, type RestoreTarget } from '../backup/restore-target.js';
import { NeoDbError } from '../neo-db.error.js';
import { runningTopology } from '../running-topology.js';
import type { WorkspacePaths } from '../workspace-paths.js';
import { parseJobs } from './backup.command.js';

export interface RestoreCommandValues {
  into?: string | undefined;
  service?: string | undefined;
  cluster?: string | undefined;
  force?: boolean | undefined;
  jobs?: string | undefined;
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
  return { label: into, host: cluster.primary.host!, port: cluster.primary.port!, login: adminLogins(topology, paths, env)(into) };
}
