import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bindTopology, loadTopology, type Endpoints, type Topology } from '@neo/data';
import {
  cutoverEventLogger,
  FileFlagWriter,
  UnleashFlagWriter,
  type AdminLogin,
  type CutoverContext,
  type CutoverFlagNames,
  type FlagWriter,
} from '@neo/data/cutover';
import { copyCommand } from './commands/copy.command.js';
import { finishCommand, retentionDaysOption } from './commands/finish.command.js';
import { resyncCommand } from './commands/resync.command.js';
import { rollbackCommand } from './commands/rollback.command.js';
import { statusCommand } from './commands/status.command.js';
import { switchReadsCommand } from './commands/switch-reads.command.js';
import { switchWritesCommand } from './commands/switch-writes.command.js';
import { verifyCommand } from './commands/verify.command.js';
import { LOCAL_UNLEASH_DEFAULTS, readLocalUnleashRecord } from './local-unleash.js';
import { NeoDbError } from './neo-db.error.js';
import { ensureRuntimeFlags } from './runtime-flags.js';
import type { WorkspacePaths } from './workspace-paths.js';
import type { LinkRepairSettings } from './failover/repair-cutover-links.js';
import { runningTopology } from './running-topology.js';

export const CUTOVER_COMMANDS = ['copy', 'verify', 'switch-reads', 'switch-writes', 'rollback', 'resync', 'finish', 'status'] as const;
export type CutoverCommand = (typeof CUTOVER_COMMANDS)[number];

export function isCutoverCommand(command: string | undefined): command is CutoverCommand {
  return (CUTOVER_COMMANDS as readonly string[]).includes(command ?? '');
}

/** The options of a cutover command, as parsed from its arguments (see command-usage.ts). */
export interface CutoverCommandValues extends FlagOptions {
  percent?: string | undefined;
  json?: boolean | undefined;
  force?: boolean | undefined;
  'retention-days'?: string | undefined;
}

/** Runs one cutover command; resolves to the process exit code. */
export async function runCutoverCommand(
  command: CutoverCommand,
  values: CutoverCommandValues,
  positionals: string[],
  paths: WorkspacePaths,
  log: (line: string) => void,
): Promise<number> {
  if (command !== 'status' && positionals.length !== 1) {
    throw new NeoDbError(
      positionals.length === 0
        ? `neo-db ${command} needs a service name, e.g. neo-db ${command} storage`
        : `neo-db ${command} takes one service (got ${positionals.join(', ')})`,
      'usage',
    );
  }
  // Checked before anything connects: a wrong number is a wrong command line.
  const retentionDays = command === 'finish' ? retentionDaysOption(values['retention-days']) : undefined;
  const context = cutoverContextFromWorkspace(paths, values, log);
  const service = positionals[0]!;
  switch (command) {
    case 'copy':
      return copyCommand(context, service);
    case 'verify':
      return verifyCommand(context, service, { json: values.json ?? false });
    case 'switch-reads':
      return switchReadsCommand(context, service, values.percent);
    case 'switch-writes':
      return switchWritesCommand(context, service);
    case 'rollback':
      return rollbackCommand(context, service);
    case 'resync':
      return resyncCommand(context, service);
    case 'finish':
      return finishCommand(context, service, { force: values.force ?? false, ...(retentionDays !== undefined ? { retentionDays } : {}) });
    case 'status':
      return statusCommand(context, positionals, { json: values.json ?? false });
  }
}

export interface FlagOptions {
  'flags-file'?: string | undefined;
  'unleash-url'?: string | undefined;
  'unleash-project'?: string | undefined;
  'unleash-environment'?: string | undefined;
}

/** The topology bound to the servers `neo-db up` started (or declared with host/port), admin login and flags. */
export function cutoverContextFromWorkspace(
  paths: WorkspacePaths,
  options: FlagOptions,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): CutoverContext {
  const topology = runningTopology(paths);
  return {
    topology,
    admin: adminLogins(topology, paths, env),
    flags: flagWriter(paths, options, env),
    prismaRoot: paths.prismaRoot,
    log,
    // Each step once as a data-layer event, in the services' format, on stderr (stdout is the command's answer).
    events: cutoverEventLogger(env),
  };
}

/**
 * What a failover needs to rebuild cutover links on the new primary: the admin logins, the flags
 * and the Prisma schemas of `cutoverContextFromWorkspace`; the failover supplies the topology.
 */
export function linkRepairSettings(
  paths: WorkspacePaths,
  topology: Topology,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): LinkRepairSettings {
  return {
    admin: adminLogins(topology, paths, env),
    flags: flagWriter(paths, {}, env),
    prismaRoot: paths.prismaRoot,
    log,
    events: cutoverEventLogger(env),
  };
}

/** The superuser login per cluster: $NEO_ADMIN_USER, else the one `npm start` made, else the cluster's own role. */
export function adminLogins(topology: Topology, paths: WorkspacePaths, env: NodeJS.ProcessEnv): (cluster: string) => AdminLogin {
  const user = env['NEO_ADMIN_USER'];
  if (user) {
    const password = env['NEO_ADMIN_PASSWORD'];
    return () => ({ user, ...(password !== undefined ? { password } : {}) });
  }
  const stateFile = join(paths.localDataDir, 'neo-runtime.json');
  if (existsSync(stateFile)) {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { superuserPassword?: string };
    if (state.superuserPassword) return () => ({ user: 'postgres', password: state.superuserPassword! });
  }
  return (cluster) => {
    const credentials = topology.clusters[cluster]?.credentials;
    if (!credentials) throw new Error(`Cluster "${cluster}" is not in the topology`);
    return { user: credentials.user, ...(credentials.password !== undefined ? { password: credentials.password } : {}) };
  };
}

/**
 * Where the flags are changed: the Unleash named on the command line or in the environment;
 * else the flags file named; else the Unleash `npm start -- --flags unleash` runs; else the
 * runtime flags file the services of `npm start` read (seeded from the defaults when missing).
 */
export function flagWriter(
  paths: WorkspacePaths,
  options: FlagOptions,
  env: NodeJS.ProcessEnv,
  flagNames?: (service: string) => CutoverFlagNames,
): FlagWriter {
  const names = flagNames ? { flagNames } : {};
  const unleash =
    options['unleash-url'] ?? env['NEO_UNLEASH_URL'] ?? (options['flags-file'] ? undefined : readLocalUnleashRecord(paths)?.url);
  if (unleash) {
    const local = !options['unleash-url'] && !env['NEO_UNLEASH_URL'];
    const adminToken = env['NEO_UNLEASH_ADMIN_TOKEN'] || (local ? LOCAL_UNLEASH_DEFAULTS.adminToken : undefined);
    if (!adminToken) throw new NeoDbError('--unleash-url needs an admin API token in $NEO_UNLEASH_ADMIN_TOKEN', 'usage');
    return new UnleashFlagWriter({
      ...names,
      url: unleash,
      adminToken,
      ...(options['unleash-project'] ? { project: options['unleash-project'] } : {}),
      ...(options['unleash-environment'] ? { environment: options['unleash-environment'] } : {}),
    });
  }
  if (options['flags-file']) return new FileFlagWriter({ ...names, path: options['flags-file'] });
  ensureRuntimeFlags(paths);
  return new FileFlagWriter({ ...names, path: paths.flagsFile });
}
