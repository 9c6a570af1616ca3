import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgClientConfig, serviceTargets, toPgPoolConfig, topologySchema } from '@neo/topology';
import { startTopology, type RunningTopology } from '@neo/topology-runtime';
import { NeoDbError } from '../neo-db.error.js';
import { topCommand, topOptions, type ServerKeyMetrics } from './top.command.js';

/** `neo-db top` against real servers: the seed's key-metrics SQL per cluster, server and database. */
describe('neo-db top', () => {
  let running: RunningTopology;
  const admin = (cluster: string) => running.admin[cluster]!;

  beforeAll(async () => {
    const topology = topologySchema.parse({
      version: 1,
      clusters: {
        app: {
          temperature: 'hot',
          credentials: { user: 'neo_app', password: 'app-secret' },
          tls: {},
          primary: { name: 'app-primary' },
          replicas: [{ name: 'app-replica-1' }],
        },
      },
      services: { widgets: { cluster: 'app', database: 'neo_widgets' } },
      monolith: { cluster: 'app' },
    });
    running = await startTopology(topology, { provider: 'embedded' });
    // Statistics from here on: creating the databases took longer than anything the test runs.
    const endpoint = running.endpoints['app/app-primary']!;
    const superuser = new pg.Client(pgClientConfig({ ...endpoint, ...admin('app'), database: 'postgres' }));
    await superuser.connect();
    await superuser.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await superuser.query('SELECT pg_stat_statements_reset()');
    await superuser.end();
    // A slow statement and a fast one in the service's database, from a session that stays open.
    const pool = new pg.Pool({ ...toPgPoolConfig(serviceTargets(running.topology, 'widgets').primary), max: 1 });
    await pool.query('CREATE TABLE IF NOT EXISTS top_probe (id int)');
    await pool.query('SELECT pg_sleep(0.2), 1 AS slow_probe');
    for (let i = 0; i < 5; i++) await pool.query('INSERT INTO top_probe VALUES ($1)', [i]);
    await pool.end();
  }, 180_000);

  afterAll(async () => {
    await running?.stop();
  });

  const top = async (values: Record<string, string | boolean>, clusters: string[] = []) => {
    const lines: string[] = [];
    const code = await topCommand(
      running.topology,
      admin,
      topOptions(values, clusters, (line) => void lines.push(line)),
    );
    return { code, text: lines.join('\n') };
  };

  it('prints backends and size per database and the slowest statements by mean time, for every server', async () => {
    const { code, text } = await top({});
    expect(code).toBe(0);
    expect(text).toContain('app/app-primary (primary)');
    expect(text).toContain('app/app-replica-1 (replica)');
    expect(text).toMatch(/neo_widgets\s+\d+\s+\d+ kB/);
    expect(text).not.toMatch(/^\s+template[01]\s/m);
    // The 200 ms statement leads the primary's list.
    const primary = text.slice(text.indexOf('app/app-primary'), text.indexOf('app/app-replica-1'));
    const firstStatement = primary.split('\n')[primary.split('\n').findIndex((line) => line.includes('slowest statements')) + 2]!;
    expect(firstStatement).toMatch(/^\s+2\d\d\.\d\d\s+1\s+.*neo_widgets\s+SELECT pg_sleep/);
  });

  it('gives the same figures as JSON, with the limit applied, and the extension reaches the replica', async () => {
    const { code, text } = await top({ json: true, limit: '2' }, ['app']);
    expect(code).toBe(0);
    const servers = JSON.parse(text) as ServerKeyMetrics[];
    const primary = servers.find((server) => server.node === 'app/app-primary')!;
    expect(primary.statements).toHaveLength(2);
    expect(primary.statements[0]).toMatchObject({ datname: 'neo_widgets', calls: 1 });
    expect(primary.statements[0]!.mean_exec_time).toBeGreaterThanOrEqual(200);
    expect(primary.databases.map((row) => row.datname)).toContain('neo_widgets');
    // The extension is created on the primary; the replica has it once it has replayed that.
    let replica = servers.find((server) => server.node === 'app/app-replica-1')!;
    for (let i = 0; i < 60 && replica.statementsUnavailable !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const again = JSON.parse((await top({ json: true, limit: '2' }, ['app'])).text) as ServerKeyMetrics[];
      replica = again.find((server) => server.node === 'app/app-replica-1')!;
    }
    expect(replica.statementsUnavailable).toBeUndefined();
  }, 120_000);

  it('refuses an unknown cluster and a bad limit, saying what is allowed', async () => {
    await expect(top({}, ['nope'])).rejects.toThrow(/no cluster nope in the topology; the clusters are: app/);
    expect(() => topOptions({ limit: 'ten' }, [], () => undefined)).toThrow(NeoDbError);
    expect(() => topOptions({ limit: '0' }, [], () => undefined)).toThrow(/--limit must be a whole number from 1 to 1000/);
  });

  it('exits 1 and names the server that does not answer', async () => {
    await running.stopNode('app', 'app-replica-1');
    try {
      const { code, text } = await top({});
      expect(code).toBe(1);
      expect(text).toContain('app/app-replica-1 (replica): does not answer');
      expect(text).toContain('app/app-primary (primary)');
    } finally {
      await running.startNode('app', 'app-replica-1');
    }
  });
});
