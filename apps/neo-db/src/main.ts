#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { migrateCommand } from './commands/migrate.command.js';
import { up } from './commands/up.command.js';
import { CUTOVER_USAGE, isCutoverCommand, runCutoverCommand } from './cutover-commands.js';
import { runningTopology } from './running-topology.js';
import { workspacePaths } from './workspace-paths.js';

const usage = `neo-db — operate the Neo data layer's topology

usage:
  neo-db up [--wipe] [--provider embedded|external|testcontainers|auto] [--no-services] [--flags file|unleash]
      bring the local topology up, migrate it, start the services; Ctrl-C stops everything
      --flags: where services read UseShardedDatabase.* (default file: config/flags.yaml;
               unleash: start a local unleash-server, data in neo_unleash on the monolith cluster)
  neo-db migrate [<service>…] [--no-monolith]
      apply pending migrations to every database and shard of the services (default: all) in the
      running topology, and to their schemas in the monolith (unless --no-monolith)
${CUTOVER_USAGE}`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const log = (line: string): void => console.log(line);
  if (isCutoverCommand(command)) {
    process.exitCode = await runCutoverCommand(command, rest, log);
    return;
  }
  switch (command) {
    case 'up': {
      const { values } = parseArgs({
        args: rest,
        options: {
          wipe: { type: 'boolean', default: false },
          provider: { type: 'string', default: process.env['NEO_PROVIDER'] ?? 'embedded' },
          'no-services': { type: 'boolean', default: false },
          flags: { type: 'string', default: process.env['NEO_FLAGS'] === 'unleash' ? 'unleash' : 'file' },
        },
      });
      const flags = values.flags;
      if (flags !== 'file' && flags !== 'unleash') throw new Error(`--flags must be file or unleash (got "${flags}")`);
      const provider = values.provider;
      if (provider !== 'embedded' && provider !== 'external' && provider !== 'testcontainers' && provider !== 'auto') {
        throw new Error(`--provider must be one of embedded, external, testcontainers, auto (got "${provider}")`);
      }
      await up({ wipe: values.wipe, provider, servicesToo: !values['no-services'], flags, log });
      return;
    }
    case 'migrate': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { 'no-monolith': { type: 'boolean', default: false } },
      });
      const paths = workspacePaths();
      process.exitCode = await migrateCommand(runningTopology(paths), positionals, {
        prismaRoot: paths.prismaRoot,
        monolith: !values['no-monolith'],
        log,
      });
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      console.log(usage);
      return;
    default:
      throw new Error(`unknown command "${command}"\n\n${usage}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
