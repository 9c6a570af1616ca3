import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliOutput } from '../cli.js';
import { workspacePaths } from '../workspace-paths.js';

/** The machine's own PostgreSQL (trust, superuser postgres), which stands for a deployment's servers. */
const SERVER = { host: '127.0.0.1', port: 5432 };
const SECRET = 'url-secret-9f3';
const fixtureMigration = new URL('../../../../prisma/_fixture/migrations/20261128054428_create_widgets', import.meta.url).pathname;

describe('neo-db provision against servers that already run', () => {
  const prefix = `it_${randomBytes(4).toString('hex')}_`;
  const role = (name: string) => `${prefix}${name}`;
  let workspace: string;
  const savedEnv = { ...process.env };

  beforeAll(() => {
    workspace = mkdtempSync(join(tmpdir(), 'neo-provision-'));
    const roles = (service: string) => ({
      owner: { user: role(`${service}_owner`), password: 'owner-pw' },
      app: { user: role(`${service}_app`), password: 'app-pw' },
    });
    // Two services with their own roles on one cluster that also holds the monolith.
    const topology = {
      version: 1,
      clusters: {
        main: {
          temperature: 'warm',
          credentials: { user: role('cluster'), password: 'cluster-pw' },
          replication: { user: role('replication'), password: 'replication-pw' },
          primary: { name: 'main-primary' },
        },
      },
      services: {
        alpha: { cluster: 'main', database: 'neo_alpha', roles: roles('alpha') },
        beta: { cluster: 'main', database: 'neo_beta', roles: roles('beta') },
      },
      monolith: { cluster: 'main', database: 'neo_monolith' },
    };
    writeFileSync(join(workspace, 'topology.json'), JSON.stringify(topology));
    for (const service of ['alpha', 'beta']) {
      const target = join(workspace, 'prisma', service, 'migrations', '20261128054428_create_widgets');
      mkdirSync(target, { recursive: true });
      cpSync(fixtureMigration, target, { recursive: true });
    }
  });

  afterAll(async () => {
    process.env = savedEnv;
    const admin = new pg.Client({ ...SERVER, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      const databases = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${prefix}%`]);
      for (const { datname } of databases.rows) await admin.query(`drop database if exists "${datname}" with (force)`);
      const roles = await admin.query<{ rolname: string }>('select rolname from pg_roles where rolname like $1', [`${prefix}%`]);
      for (const { rolname } of roles.rows) await admin.query(`drop role if exists "${rolname}"`);
    } finally {
      await admin.end();
    }
    rmSync(workspace, { recursive: true, force: true });
  });

  async function provision(env: Record<string, string>, args = ['--migrate']) {
    process.env = { ...savedEnv, NEO_PG_DATABASE_PREFIX: prefix, ...env };
    delete process.env['NEO_PG_URL'];
    for (const [name, value] of Object.entries(env)) process.env[name] = value;
    const out: string[] = [];
    const err: string[] = [];
    const io: CliOutput = { out: (text) => void out.push(text), err: (text) => void err.push(text) };
    const code = await runCli(['provision', ...args], io, workspacePaths(workspace, { NEO_TOPOLOGY: join(workspace, 'topology.json') }));
    return { code, out, err: err.join('\n') };
  }

  async function asRole(user: string, database: string, sql: string): Promise<void> {
    const client = new pg.Client({ ...SERVER, user, password: 'app-pw', database: `${prefix}${database}`, connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  it('makes databases, schemas, roles and grants, migrates as the owners, and each app role keeps to its own data', async () => {
    const url = `postgresql://postgres:${SECRET}@127.0.0.1:5432/postgres`;
    const first = await provision({ NEO_PG_URL_MAIN: url });
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out[0]).toBe(
      `provision: cluster main at 127.0.0.1:5432: 3 database(s), roles of alpha, beta, replication role ${role('replication')}`,
    );
    expect(first.out[1]).toBe('provision: 4 migration(s) applied over 4 target(s)');

    const insertOwner = "insert into owners (id, name) values (gen_random_uuid(), 'someone')";
    await asRole(role('alpha_app'), 'neo_alpha', insertOwner);
    await asRole(role('beta_app'), 'neo_beta', insertOwner);
    await expect(asRole(role('alpha_app'), 'neo_beta', 'select 1')).rejects.toThrow(/permission denied for database/);
    await expect(asRole(role('alpha_app'), 'neo_alpha', 'create table mine (id int)')).rejects.toThrow(/permission denied/);
    await asRole(role('alpha_app'), 'neo_monolith', `insert into alpha.owners (id, name) values (gen_random_uuid(), 'someone')`);
    await expect(asRole(role('alpha_app'), 'neo_monolith', 'select * from beta.owners')).rejects.toThrow(/permission denied for schema/);
    // Migrations ran as the owner roles: they own the tables.
    const admin = new pg.Client({ ...SERVER, user: 'postgres', database: `${prefix}neo_alpha` });
    await admin.connect();
    const owner = await admin.query<{ tableowner: string }>("select tableowner from pg_tables where tablename = 'widgets'");
    await admin.end();
    expect(owner.rows).toEqual([{ tableowner: role('alpha_owner') }]);

    const again = await provision({ NEO_PG_URL_MAIN: url });
    expect(again.err).toBe('');
    expect(again.code).toBe(0);
    expect(again.out[1]).toBe('provision: 0 migration(s) applied over 4 target(s)');
    await asRole(role('alpha_app'), 'neo_alpha', insertOwner);
  });

  it.each([
    ['no URL', {}, /NEO_PG_URL_MAIN or NEO_PG_URL/],
    ['a URL that is not one', { NEO_PG_URL: `postgresql://postgres:${SECRET}@[bad/postgres` }, /NEO_PG_URL is not a valid URL/],
    [
      'a server that does not answer',
      { NEO_PG_URL_MAIN: `postgresql://postgres:${SECRET}@127.0.0.1:1/postgres` },
      /cannot reach \(ECONNREFUSED\) 127\.0\.0\.1:1/,
    ],
  ])('with %s: one line, exit 1, no stack and no password', async (_what, env, expected) => {
    const result = await provision(env);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err).toMatch(expected);
    expect(result.err.split('\n')).toHaveLength(1);
    expect(result.err).not.toContain(SECRET);
    expect(result.err).not.toMatch(/\n\s+at /);
  });
});
