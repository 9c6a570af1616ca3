import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { topologySchema, type Topology } from '@neo/topology';
import pg from 'pg';
import { startTopology } from '../start-topology.js';
import { queryRows } from '../test-support/pg-helpers.js';
import { sampleTopology } from '../test-support/sample-topology.js';
import type { RunningTopology } from '../topology-runtime.types.js';

/** The machine's own PostgreSQL (started before every session and CI run), which this suite did not start. */
const SERVER_URL = process.env['NEO_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const server = { host: '127.0.0.1', port: 5432 };
const admin = { user: 'postgres', database: 'postgres' };

describe('external provider against a server this run did not start', () => {
  const prefix = `it_${randomBytes(4).toString('hex')}_`;
  let running: RunningTopology | undefined;
  const lines: string[] = [];

  afterAll(async () => {
    await running?.stop();
  });

  it('creates the prefixed databases and schemas, binds the topology to the URL, and drops them on stop', async () => {
    running = await startTopology(sampleTopology(), {
      provider: 'external',
      env: { NEO_PG_URL: SERVER_URL },
      databasePrefix: prefix,
      dropOnStop: true,
      log: (line) => lines.push(line),
    });
    expect(running.provider).toBe('external');
    expect(running.endpoints).toEqual({ 'core/core-primary': server, 'app/app-primary': server });
    expect(running.topology.services['storage']?.database).toBe(`${prefix}neo_storage`);
    expect(running.topology.clusters['core']?.replicas).toEqual([]);
    expect(running.topology.clusters['core']?.credentials.user).toBe('postgres');
    expect(lines.some((line) => line.includes('core-replica-1, core-replica-2') && line.includes('without them'))).toBe(true);

    const databases = await queryRows<{ datname: string }>(
      server,
      admin,
      'select datname from pg_database where datname like $1 order by 1',
      [`${prefix}%`],
    );
    expect(databases.map((row) => row.datname)).toEqual(
      ['neo_service_layer', 'neo_storage', 'neo_storage_2024', 'neo_storage_2025', 'neo_voting'].map((name) => `${prefix}${name}`),
    );
    const schemas = await queryRows<{ nspname: string }>(
      server,
      { ...admin, database: `${prefix}neo_service_layer` },
      "select nspname from pg_namespace where nspname in ('storage', 'votes') order by 1",
    );
    expect(schemas.map((row) => row.nspname)).toEqual(['storage', 'votes']);

    await expect(running.stopNode('core', 'core-primary')).rejects.toMatchObject({ code: 'RUNTIME_PROVIDER_UNAVAILABLE' });

    await running.stop();
    running = undefined;
    const left = await queryRows(server, admin, 'select datname from pg_database where datname like $1', [`${prefix}%`]);
    expect(left).toEqual([]);
  });

  describe('with service roles', () => {
    const rolePrefix = `it_${randomBytes(4).toString('hex')}_`;
    const role = (name: string) => `${rolePrefix}${name}`;
    let withRoles: RunningTopology | undefined;

    afterAll(async () => {
      await withRoles?.stop();
      // Roles belong to the whole server: drop every one this suite made, after the databases that used them.
      const made = await queryRows<{ rolname: string }>(server, admin, 'select rolname from pg_roles where rolname like $1', [
        `${rolePrefix}%`,
      ]);
      for (const { rolname } of made) await queryRows(server, admin, `drop role if exists "${rolname}"`);
    });

    function topologyWithRoles(): Topology {
      const roles = (service: string) => ({
        owner: { user: role(`${service}_owner`), password: 'owner-pw' },
        app: { user: role(`${service}_app`), password: 'app-pw' },
      });
      return topologySchema.parse({
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
      });
    }

    async function asRole(user: string, database: string, sql: string): Promise<void> {
      const client = new pg.Client({ ...server, user, database: `${rolePrefix}${database}`, connectionTimeoutMillis: 5_000 });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    }

    it('makes the roles, hands each its database and schema, and keeps each out of the other', async () => {
      withRoles = await startTopology(topologyWithRoles(), {
        provider: 'external',
        env: { NEO_PG_URL: SERVER_URL },
        databasePrefix: rolePrefix,
        dropOnStop: true,
      });
      const owners = await queryRows<{ datname: string; owner: string }>(
        server,
        admin,
        'select datname, pg_get_userbyid(datdba) as owner from pg_database where datname like $1 order by 1',
        [`${rolePrefix}neo_%`],
      );
      expect(owners).toEqual([
        { datname: `${rolePrefix}neo_alpha`, owner: role('alpha_owner') },
        { datname: `${rolePrefix}neo_beta`, owner: role('beta_owner') },
        { datname: `${rolePrefix}neo_monolith`, owner: 'postgres' },
      ]);
      await asRole(role('alpha_owner'), 'neo_alpha', 'create table items (id int primary key)');
      await asRole(role('alpha_app'), 'neo_alpha', 'insert into items values (1)');
      await expect(asRole(role('alpha_app'), 'neo_alpha', 'create table other (id int)')).rejects.toThrow(/permission denied/);
      await expect(asRole(role('beta_app'), 'neo_alpha', 'select 1')).rejects.toThrow(/permission denied for database/);
      await asRole(role('beta_owner'), 'neo_monolith', 'create table beta.items (id int)');
      await expect(asRole(role('alpha_app'), 'neo_monolith', 'select * from beta.items')).rejects.toThrow(/permission denied for schema/);
      const [replication] = await queryRows<{ rolreplication: boolean }>(
        server,
        admin,
        'select rolreplication from pg_roles where rolname = $1',
        [role('replication')],
      );
      expect(replication?.rolreplication).toBe(true);
    });

    it('refuses a login that is not a superuser in one line naming it and the fix, and leaves no database', async () => {
      const login = role('creator');
      await queryRows(server, admin, `create role "${login}" login createdb`);
      const failure = await startTopology(topologyWithRoles(), {
        provider: 'external',
        env: { NEO_PG_URL_MAIN: `postgresql://${login}:not-shown@127.0.0.1:5432/postgres` },
        databasePrefix: `${rolePrefix}x_`,
      }).then(
        async (unexpected) => {
          await unexpected.stop();
          return new Error('started although the login is not a superuser') as Error & { code?: string };
        },
        (error: unknown) => error as Error & { code?: string },
      );
      expect(failure).toMatchObject({ code: 'RUNTIME_LOGIN_NOT_PRIVILEGED' });
      expect(failure.message).toContain(`"${login}"`);
      expect(failure.message).toContain('NEO_PG_URL_MAIN');
      expect(failure.message).not.toContain('not-shown');
      expect(failure.message).not.toContain('\n');
      const left = await queryRows(server, admin, 'select datname from pg_database where datname like $1', [`${rolePrefix}x_%`]);
      expect(left).toEqual([]);
    });
  });
});
