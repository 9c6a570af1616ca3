#!/usr/bin/env node
// Runs a Prisma CLI command for every schema (or the ones named), each with its own
// prisma/<service>/prisma.config.ts, offline:
//   node tools/prisma/prisma-cli.mjs <validate|format|generate|…> [<service> ...]
// (npm run prisma:validate, npm run prisma:format). The native schema engine is never downloaded
// (see offlinePrismaEnvironment): validate, format and generate do not need it.
import { spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PrismaToolError, offlinePrismaEnvironment, prismaCliPath, selectPrismaServices, workspaceRoot } from './prisma-workspace.mjs';

/**
 * Runs `prisma <command> --config prisma/<s>/prisma.config.ts` for each selected schema, one after
 * another; `skip(service)` may return a reason to leave one out. Resolves with the services it ran
 * for; rejects naming the first service that failed, with Prisma's output.
 */
export async function runPrismaCli(command, { services = [], log = console.log, skip = async () => undefined, extraArgs = [] } = {}) {
  const selected = await selectPrismaServices(services);
  if (selected.length === 0) {
    log(`prisma ${command}: no prisma/<service>/schema.prisma yet, nothing to do.`);
    return [];
  }
  const cli = prismaCliPath();
  const { env, cleanup } = await offlinePrismaEnvironment();
  const done = [];
  try {
    for (const service of selected) {
      const config = relative(workspaceRoot, service.configPath);
      const reason = await skip(service);
      if (reason) {
        log(`prisma ${command}: ${service.name} skipped (${reason})`);
        continue;
      }
      await access(service.configPath).catch(() => {
        throw new PrismaToolError(
          `${config} is missing: every prisma/<service>/ folder has one (copy it from prisma/storage/prisma.config.ts).`,
        );
      });
      log(`prisma ${command}: ${service.name} (${config})`);
      const { code, output } = await run(process.execPath, [cli, command, '--config', config, ...extraArgs], { cwd: workspaceRoot, env });
      if (code !== 0) {
        throw new PrismaToolError(
          `prisma ${command} failed for service "${service.name}" (${config}), exit code ${code}:\n${output.trim()}\n` +
            `Fix the schema (the error above comes from Prisma) and rerun: node tools/prisma/prisma-cli.mjs ${command} ${service.name}`,
        );
      }
      done.push(service.name);
    }
    return done;
  } finally {
    await cleanup();
  }
}

/** Runs a command, collecting its output to show only when it fails. */
function run(command, args, options) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, output }));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [command, ...services] = process.argv.slice(2);
  if (!command) {
    console.error('usage: node tools/prisma/prisma-cli.mjs <command> [<service> ...]');
    process.exitCode = 2;
  } else {
    runPrismaCli(command, { services }).then(
      (done) => done.length > 0 && console.log(`prisma ${command}: done for ${done.join(', ')}`),
      (error) => {
        console.error(error instanceof PrismaToolError ? error.message : error);
        process.exitCode = 1;
      },
    );
  }
}
