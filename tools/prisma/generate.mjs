#!/usr/bin/env node
// Generates the Prisma client of every service (or of the services named on the command line):
//   npm run prisma:generate [-- <service> ...]
// Works offline: the Prisma CLI is kept from downloading its native engine (see prisma-workspace.mjs).
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { runPrismaCli } from './prisma-cli.mjs';
import { PrismaToolError } from './prisma-workspace.mjs';

/** A schema without a generator (e.g. a migrations-only test fixture) has no client to generate. */
const GENERATOR_BLOCK = /^\s*generator\s+\w+\s*\{/m;

/**
 * Runs `prisma generate` with each service's prisma.config.ts, one after another. Resolves with
 * the names of the services generated; rejects naming the first service that failed.
 */
export function generatePrismaClients({ services = [], log = console.log } = {}) {
  return runPrismaCli('generate', {
    services,
    log,
    skip: async (service) => (GENERATOR_BLOCK.test(await readFile(service.schemaPath, 'utf8')) ? undefined : 'no generator block'),
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
