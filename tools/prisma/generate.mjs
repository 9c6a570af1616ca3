#!/usr/bin/env node
// Generates the Prisma client of every service (or of the services named on the command line):
//   npm run prisma:generate [-- <service> ...]
// Works offline: the Prisma CLI is kept from downloading its native engine (see prisma-workspace.mjs).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PrismaToolError, offlinePrismaEnvironment, prismaCliPath, selectPrismaServices, workspaceRoot } from './prisma-workspace.mjs';

/** A schema without a generator (e.g. a migrations-only test fixture) has no client to generate. */
const GENERATOR_BLOCK = /^\s*generator\s+\w+\s*\{/m;

/**
 * Runs `prisma generate --schema prisma/<service>/schema.prisma` for each service, one after another.
 * Resolves with the names of the services generated; rejects naming the first service that failed.
 */
export async function generatePrismaClients({ services = [], log = console.log } = {}) {
  const selected = await selectPrismaServices(services);
  if (selected.length === 0) {
    log('prisma:generate: no prisma/<service>/schema.prisma yet, nothing to generate.');
    return [];
  }
  const cli = prismaCliPath();
  const { env, cleanup } = await offlinePrismaEnvironment();
  const generated = [];
  try {
    for (const service of selected) {
      const schema = relative(workspaceRoot, service.schemaPath);
      if (!GENERATOR_BLOCK.test(await readFile(service.schemaPath, 'utf8'))) {
        log(`prisma:generate: ${service.name} has no generator block, skipped (${schema})`);
        continue;
      }
      log(`prisma:generate: ${service.name} (${schema})`);
      const { code, output } = await run(process.execPath, [cli, 'generate', '--schema', schema], { cwd: workspaceRoot, env });
      if (code !== 0) {
        throw new PrismaToolError(
          `prisma generate failed for service "${service.name}" (${schema}), exit code ${code}:\n${output.trim()}\n` +
            `Fix the schema (the error above comes from Prisma) and rerun: npm run prisma:generate -- ${service.name}`,
        );
      }
      generated.push(service.name);
    }
    return generated;
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
  generatePrismaClients({ services: process.argv.slice(2) }).then(
    (generated) => generated.length > 0 && console.log(`prisma:generate: generated ${generated.length} client(s): ${generated.join(', ')}`),
    (error) => {
      console.error(error instanceof PrismaToolError ? error.message : error);
      process.exitCode = 1;
    },
  );
}
