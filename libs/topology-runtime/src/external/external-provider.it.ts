import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
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
});
