#!/usr/bin/env node
// Creates a migration for one service from its changed schema.prisma, offline:
//   npm run prisma:migrate:create -- <service> <name> [--shadow-url postgresql://user:pass@host:port/db]
// It replays prisma/<service>/migrations on a throwaway shadow database, diffs against
// prisma/<service>/schema.prisma with Prisma's own schema engine (WASM build, nothing downloaded),
// writes prisma/<service>/migrations/<YYYYMMDDHHMMSS>_<name>/migration.sql, and regenerates the
// service's client so code can use the new models at once (as `prisma migrate dev` does).
// The shadow databases live on a scratch PostgreSQL started for the run (embedded, no server
// needed), or on the server of --shadow-url (which needs the right to CREATE DATABASE).
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { generatePrismaClients } from './generate.mjs';
import { PrismaToolError, hideWasmImportWarning, selectPrismaServices, workspaceRoot } from './prisma-workspace.mjs';
import '../typescript-sources.mjs';

hideWasmImportWarning();

const usage = 'usage: npm run prisma:migrate:create -- <service> <name> [--shadow-url <postgresql-url>]';

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { 'shadow-url': { type: 'string' }, verbose: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (values.help) return console.log(usage);
  if (positionals.length !== 2) throw new PrismaToolError(`expected a service and a migration name.\n${usage}`);
  const [serviceName, name] = positionals;
  const [service] = await selectPrismaServices([serviceName]);
  const log = values.verbose ? (line) => console.error(line) : undefined;

  const { createMigration, migrationNameSlug } = await import('../../libs/data/src/migrations/schema-engine/create-migration.ts');
  try {
    migrationNameSlug(name); // refuse a bad name before starting a server
  } catch (error) {
    throw new PrismaToolError(error.message);
  }
  const server = values['shadow-url'] ? undefined : await startScratchServer(log);
  try {
    const connectionString = values['shadow-url'] ?? server.url;
    const result = await createMigration({ serviceDir: service.dir, name, connection: { connectionString }, ...(log ? { log } : {}) });
    if (result.status === 'no-changes') {
      console.log(`no changes: ${relative(workspaceRoot, service.schemaPath)} matches ${relative(workspaceRoot, service.dir)}/migrations`);
    } else {
      console.log(`created ${relative(workspaceRoot, result.migrationDir)}/migration.sql\n\n${result.sql.trim()}\n`);
      await generatePrismaClients({ services: [serviceName], log: (line) => console.log(line) });
      console.log(
        `Review it, then apply it to every database of "${serviceName}" in the running topology: npm run neo-db -- migrate ${serviceName}`,
      );
    }
  } finally {
    await server?.stop();
  }
}

async function startScratchServer(log) {
  const { startScratchPostgres } = await import('@neo/topology-runtime');
  const server = await startScratchPostgres(log ? { log } : {});
  // Ctrl-C must not leave the scratch server running.
  const stopAndExit = () => server.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopAndExit);
  process.once('SIGTERM', stopAndExit);
  return server;
}

main().catch((error) => {
  console.error(error instanceof PrismaToolError ? error.message : error);
  process.exitCode = 1;
});
