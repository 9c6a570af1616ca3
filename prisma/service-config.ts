import { defineConfig } from 'prisma/config';

/**
 * The Prisma CLI settings of one `prisma/<service>/` folder, for its `prisma.config.ts`: the
 * schema and migrations beside it, and the database named by `DATABASE_URL` when set (needed by
 * `migrate status`, `studio`, `db pull`; not by `generate`, `validate` or `format`).
 */
export function serviceConfig(): ReturnType<typeof defineConfig> {
  const url = process.env['DATABASE_URL'];
  return defineConfig({
    schema: 'schema.prisma',
    migrations: { path: 'migrations' },
    ...(url ? { datasource: { url } } : {}),
  });
}
