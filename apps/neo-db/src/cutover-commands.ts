import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bindTopology, loadTopology, type Endpoints, type Topology } from '@neo/data';
import { FileFlagWriter, UnleashFlagWriter, type AdminLogin, type CutoverContext, type FlagWriter } from '@neo/data/cutover';
import { flagsFilePath } from '@neo/data/flags';
import { copyCommand } from './commands/copy.command.js';
import { rollbackCommand } from './commands/rollback.command.js';
import { statusCommand } from './commands/status.command.js';
import { switchReadsCommand } from './commands/switch-reads.command.js';
import { switchWritesCommand } from './commands/switch-writes.command.js';
import { verifyCommand } from './commands/verify.command.js';
import { workspacePaths, type WorkspacePaths } from './workspace-paths.js';

/** The cutover commands, for main.ts's usage text. */
export const CUTOVER_USAGE = `
  neo-db copy <service>                     create the service's databases, migrate them, replicate monolith → service
  neo-db verify <service> [--json]          compare row counts and checksums per table and shard; exit 2 on differences
  neo-db switch-reads <service> --percent N send N % of users' reads (sticky by user id) to the service
  neo-db switch-writes <service>            fence writes, let the service catch up, reverse replication, flip writes
  neo-db rollback <service>                 reads and writes back to the monolith, in one command
  neo-db status [<service>…] [--json]       phase, replication lag each way and flags, per service

  cutover options: --flags-file <path> (default $NEO_FLAGS_FILE or config/flags.yaml)
                   --unleash-url <url> (flags in Unleash instead; admin token in $NEO_UNLEASH_ADMIN_TOKEN)
                   [--unleash-project default] [--unleash-environment development]
  admin login (subscriptions need a superuser in PostgreSQL 15): $NEO_ADMIN_USER / $NEO_ADMIN_PASSWORD,
  else the superuser of the servers \`neo-db up\` runs, else each cluster's own credentials.
`;

export const CUTOVER_COMMANDS = ['copy', 'verify', 'switch-reads', 'switch-writes', 'rollback', 'status'] as const;
export type CutoverCommand = (typeof CUTOVER_COMMANDS)[number];

export function isCutoverCommand(command: string | undefined): command is CutoverCommand {
  return (CUTOVER_COMMANDS as readonly string[]).includes(command ?? '');
}

/** Runs one cutover command; resolves to the process exit code. */
export async function runCutoverCommand(
  command: CutoverCommand,
  args: string[],
  log: (line: string) => void = console.log,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      percent: { type: 'string' },
      json: { type: 'boolean', default: false },
      'flags-file': { type: 'string' },
      'unleash-url': { type: 'string' },
      'unleash-project': { type: 'string' },
      'unleash-environment': { type: 'string' },
    },
  });
  const context = cutoverContextFromWorkspace(workspacePaths(), values, log);
  const service = (): string => {
    const name = positionals[0];
    if (!name) throw new Error(`neo-db ${command} needs a service name, e.g. neo-db ${command} storage`);
    return name;
  };
  switch (command) {
    case 'copy':
      return copyCommand(context, service());
    case 'verify':
      return verifyCommand(context, service(), { json: values.json });
    case 'switch-reads':
      return switchReadsCommand(context, service(), values.percent);
    case 'switch-writes':
      return switchWritesCommand(context, service());
    case 'rollback':
      return rollbackCommand(context, service());
    case 'status':
      return statusCommand(context, positionals, { json: values.json });
  }
}

interface FlagOptions {
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
  const declared = loadTopology({ path: paths.topologyFile });
  const topology: Topology = existsSync(paths.endpointsFile)
    ? bindTopology(declared, JSON.parse(readFileSync(paths.endpointsFile, 'utf8')) as Endpoints)
    : declared;
  return { topology, admin: adminLogins(topology, paths, env), flags: flagWriter(paths, options, env), prismaRoot: paths.prismaRoot, log };
}

function adminLogins(topology: Topology, paths: WorkspacePaths, env: NodeJS.ProcessEnv): (cluster: string) => AdminLogin {
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

function flagWriter(paths: WorkspacePaths, options: FlagOptions, env: NodeJS.ProcessEnv): FlagWriter {
  const url = options['unleash-url'] ?? env['NEO_UNLEASH_URL'];
  if (url) {
    const adminToken = env['NEO_UNLEASH_ADMIN_TOKEN'];
    if (!adminToken) throw new Error('--unleash-url needs an admin API token in $NEO_UNLEASH_ADMIN_TOKEN');
    return new UnleashFlagWriter({
      url,
      adminToken,
      ...(options['unleash-project'] ? { project: options['unleash-project'] } : {}),
      ...(options['unleash-environment'] ? { environment: options['unleash-environment'] } : {}),
    });
  }
  const file = options['flags-file'] ?? (env['NEO_FLAGS_FILE'] || join(paths.root, flagsFilePath({})));
  return new FileFlagWriter({ path: file });
}
