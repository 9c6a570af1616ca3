#!/usr/bin/env node
// `prisma migrate resolve --rolled-back`, for databases migrated by the fleet migrator:
//   node tools/prisma/resolve.mjs --url <postgresql-url> [--schema <schema>] --rolled-back <migration_name>
// Marks a failed migration attempt as rolled back, so the next migration run applies the
// (fixed) migration again. Use it after the cause of the failure is fixed.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { PrismaToolError } from './prisma-workspace.mjs';
import '../typescript-sources.mjs';

const usage = 'usage: node tools/prisma/resolve.mjs --url <postgresql-url> [--schema <schema>] --rolled-back <migration_name>';

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      schema: { type: 'string', default: 'public' },
      'rolled-back': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return console.log(usage);
  if (!values.url || !values['rolled-back']) throw new PrismaToolError(usage);
  const { MigrationsTable } = await import('../../libs/data/src/migrations/migrations-table.ts');
  const table = new MigrationsTable(values.schema);
  const client = new pg.Client({ connectionString: values.url });
  await client.connect();
  try {
    const changed = await table.markRolledBack(client, values['rolled-back']);
    if (changed === 0) {
      throw new PrismaToolError(
        `No failed attempt of ${values['rolled-back']} in schema "${values.schema}": nothing to resolve. ` +
          `List the history with: SELECT migration_name, finished_at, rolled_back_at FROM "${values.schema}"."_prisma_migrations" ORDER BY started_at;`,
      );
    }
    console.log(`${values['rolled-back']}: failed attempt marked rolled back in schema "${values.schema}"; rerun the migrations.`);
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(error instanceof PrismaToolError ? error.message : error);
  process.exitCode = 1;
});
