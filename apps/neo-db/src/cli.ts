import { parseArgs } from 'node:util';
import { commandHelp, findCommand, overallHelp, type CommandUsage } from './command-usage.js';
import type { CutoverCommandValues } from './cutover-commands.js';
import { NeoDbError } from './neo-db.error.js';
import { workspacePaths, type WorkspacePaths } from './workspace-paths.js';

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

const consoleOutput: CliOutput = { out: (text) => console.log(text), err: (text) => console.error(text) };

const PROVIDERS = ['embedded', 'external', 'testcontainers', 'auto'] as const;
const BINARIES = ['embedded', 'system', 'auto'] as const;

/**
 * Runs `neo-db <command> …` and resolves to its exit code: 0 done, 1 failed (the message says
 * why and what to do), 2 the command line is wrong (the command's usage follows).
 * `neo-db --help` lists the commands; `neo-db <command> --help` shows one.
 */
export async function runCli(argv: readonly string[], io: CliOutput = consoleOutput, paths?: WorkspacePaths): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? findCommand(rest[0]) : undefined;
    io.out(topic ? commandHelp(topic) : overallHelp());
    return 0;
  }
  const command = findCommand(name);
  if (!command) {
    io.err(`neo-db: there is no command "${name}".\n\n${overallHelp()}`);
    return 2;
  }
  const ownArgs = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (ownArgs.includes('--help') || ownArgs.includes('-h')) {
    io.out(commandHelp(command));
    return 0;
  }
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (error) {
    return usageError(io, command, firstSentence((error as Error).message));
  }
  try {
    const where = paths ?? workspacePaths();
    // Loaded when used: help and usage errors answer without loading the data layer.
    if (command.name === 'up') return await upCommand(parsed.values, parsed.positionals, io);
    if (command.name === 'migrate') {
      const [{ migrateCommand }, { runningTopology }] = await Promise.all([
        import('./commands/migrate.command.js'),
        import('./running-topology.js'),
      ]);
      return await migrateCommand(runningTopology(where), parsed.positionals, {
        prismaRoot: where.prismaRoot,
        monolith: parsed.values['no-monolith'] !== true,
        log: io.out,
      });
    }
    if (command.name === 'maintain') {
      const [{ maintainCommand }, { runningTopology }, { adminLogins }] = await Promise.all([
        import('./commands/maintain.command.js'),
        import('./running-topology.js'),
        import('./cutover-commands.js'),
      ]);
      const topology = runningTopology(where);
      return await maintainCommand(topology, parsed.positionals, {
        admin: adminLogins(topology, where, process.env),
        prismaRoot: where.prismaRoot,
        log: io.out,
      });
    }
    if (command.name === 'top') {
      const [{ topCommand, topOptions }, { runningTopology }, { adminLogins }] = await Promise.all([
        import('./commands/top.command.js'),
        import('./running-topology.js'),
        import('./cutover-commands.js'),
      ]);
      const topology = runningTopology(where);
      return await topCommand(topology, adminLogins(topology, where, process.env), topOptions(parsed.values, parsed.positionals, io.out));
    }
    if (command.name === 'failover') {
      const [{ failoverCommand }, { runningTopology }, { adminLogins, linkRepairSettings }] = await Promise.all([
        import('./commands/failover.command.js'),
        import('./running-topology.js'),
        import('./cutover-commands.js'),
      ]);
      if (parsed.positionals.length !== 1) throw new NeoDbError('name the one cluster to fail over, e.g. neo-db failover core', 'usage');
      const maxLag = parsed.values['max-lag-bytes'] as string | undefined;
      if (maxLag !== undefined && !/^\d+$/.test(maxLag))
        throw new NeoDbError(`--max-lag-bytes must be a whole number of bytes (got "${maxLag}")`, 'usage');
      const topology = runningTopology(where);
      return await failoverCommand(topology, adminLogins(topology, where, process.env), parsed.positionals, {
        ...(parsed.values['to'] !== undefined ? { to: parsed.values['to'] as string } : {}),
        ...(maxLag !== undefined ? { maxLagBytes: Number(maxLag) } : {}),
        endpointsFile: where.endpointsFile,
        localDataDir: where.localDataDir,
        log: io.out,
        cutover: linkRepairSettings(where, topology, io.out),
      });
    }
    if (command.name === 'rejoin') {
      const { rejoinCommand } = await import('./commands/rejoin.command.js');
      return await rejoinCommand(parsed.positionals, where, io.out);
    }
    if (command.name === 'backup') {
      const { backupCommand } = await import('./commands/backup.command.js');
      return await backupCommand(parsed.values, parsed.positionals, where, io.out);
    }
    if (command.name === 'provision') {
      if (parsed.positionals.length > 0) throw new NeoDbError(`takes no arguments (got ${parsed.positionals.join(' ')})`, 'usage');
      const { provisionCommand } = await import('./commands/provision.command.js');
      return await provisionCommand(where, { migrate: parsed.values['migrate'] === true, env: process.env, log: io.out });
    }
    if (command.name === 'render') {
      const { renderCommand } = await import('./commands/render.command.js');
      return await renderCommand(parsed.values, parsed.positionals, where, io.out);
    }
    if (command.name === 'restore') {
      const { restoreCommand } = await import('./commands/restore.command.js');
      return await restoreCommand(parsed.values, parsed.positionals, where, io.out);
    }
    if (command.name === 'reshard') {
      const { reshardCommand } = await import('./commands/reshard.command.js');
      return await reshardCommand(parsed.values as CutoverCommandValues, parsed.positionals, where, io.out);
    }
    const { isCutoverCommand, runCutoverCommand } = await import('./cutover-commands.js');
    if (isCutoverCommand(command.name)) {
      return await runCutoverCommand(command.name, parsed.values as CutoverCommandValues, parsed.positionals, where, io.out);
    }
    throw new Error(`neo-db ${command.name} is listed but not wired`);
  } catch (error) {
    if (error instanceof NeoDbError && error.kind === 'usage') return usageError(io, command, error.message);
    io.err(explainFailure(error));
    return 1;
  }
}

function usageError(io: CliOutput, command: CommandUsage, problem: string): number {
  io.err(`neo-db ${command.name}: ${problem}\n\n${commandHelp(command)}`);
  return 2;
}

/** Node's argument parser adds advice about `--` that does not apply here; its first sentence names the problem. */
function firstSentence(message: string): string {
  const end = message.indexOf('. ');
  return end === -1 ? message : message.slice(0, end + 1);
}

async function upCommand(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliOutput): Promise<number> {
  if (positionals.length > 0) throw new NeoDbError(`neo-db up takes no arguments (got ${positionals.join(' ')})`, 'usage');
  const flags = (values['flags'] as string | undefined) ?? (process.env['NEO_FLAGS'] === 'unleash' ? 'unleash' : 'file');
  if (flags !== 'file' && flags !== 'unleash') throw new NeoDbError(`--flags must be file or unleash (got "${flags}")`, 'usage');
  const provider = (values['provider'] as string | undefined) ?? process.env['NEO_PROVIDER'] ?? 'embedded';
  if (!(PROVIDERS as readonly string[]).includes(provider)) {
    throw new NeoDbError(`--provider must be one of ${PROVIDERS.join(', ')} (got "${provider}")`, 'usage');
  }
  if (values['auto-failover'] === true && provider !== 'embedded' && provider !== 'auto') {
    throw new NeoDbError(
      `--auto-failover needs servers this process runs (--provider embedded): the ${provider} provider's servers are not brought back by it`,
      'usage',
    );
  }
  const binaries = (values['binaries'] as string | undefined) ?? process.env['NEO_PG_BINARIES'] ?? 'embedded';
  if (!(BINARIES as readonly string[]).includes(binaries)) {
    throw new NeoDbError(`--binaries must be one of ${BINARIES.join(', ')} (got "${binaries}")`, 'usage');
  }
  const { up } = await import('./commands/up.command.js');
  await up({
    wipe: values['wipe'] === true,
    provider: provider as (typeof PROVIDERS)[number],
    binaries: binaries as (typeof BINARIES)[number],
    servicesToo: values['no-services'] !== true,
    flags,
    observe: values['observe'] === true,
    autoFailover: values['auto-failover'] === true,
    log: io.out,
  });
  return 0;
}

/**
 * The message of a failed command; when a server does not answer, says that the local
 * topology must be running (a stopped `npm start` leaves its endpoints file behind).
 */
export function explainFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const refused = causes(error).find((cause) => (cause as { code?: unknown }).code === 'ECONNREFUSED') as
    { address?: string; port?: number } | undefined;
  if (!refused) return message;
  const where = refused.address && refused.port ? ` at ${refused.address}:${refused.port}` : '';
  return `${message}\nNothing answers${where}: the server is not running. For the local topology, start it first with \`npm start\` and keep it running; run neo-db in another terminal.`;
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== null && typeof current === 'object' && chain.length < 6;) {
    chain.push(current);
    const aggregate = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(aggregate)) chain.push(...aggregate);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}
