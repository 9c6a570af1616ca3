import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopology, type Endpoints } from '@neo/data';
import { pgClientConfig, primaryEndpointKey } from '@neo/topology';
import { startTopology, type RunningTopology } from '@neo/topology-runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { runningTopology } from '../running-topology.js';
import { capturedOutput } from '../test-support/cli-io.js';
import { workspacePaths, type WorkspacePaths } from '../workspace-paths.js';

/*
 * `neo-db failover` against a running cluster of one primary and two replicas, as an operator runs
 * it beside `npm start`: the endpoints file and the admin login come from the environment.
 */

const declared = {
  version: 1,
  clusters: {
    fo: {
      temperature: 'hot',
      credentials: { user: 'neo_fo', password: 'fo-secret' },
      primary: { name: 'fo-primary' },
      replicas: [{ name: 'fo-replica-1' }, { name: 'fo-replica-2' }],
      synchronousReplicas: 1,
      // TLS only, as the default topology: the fencing, promotion and repointing connect verified.
      tls: {},
    },
  },
  services: { fixture: { cluster: 'fo', database: 'neo_failover_fixture' } },
  monolith: { cluster: 'fo', database: 'neo_service_layer' },
};

let dir: string;
let paths: WorkspacePaths;
let running: RunningTopology;
const savedEnv = { user: process.env['NEO_ADMIN_USER'], password: process.env['NEO_ADMIN_PASSWORD'] };

async function query<T extends pg.QueryResultRow>(node: string, sql: string): Promise<T[]> {
  const endpoint = running.endpoints[`fo/${node}`]!;
  const client = new pg.Client(pgClientConfig({ ...endpoint, ...running.admin['fo']!, database: 'postgres' }));
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'neo-db-failover-'));
  const topologyFile = join(dir, 'topology.yaml');
  // JSON is YAML.
  writeFileSync(topologyFile, JSON.stringify(declared));
  paths = workspacePaths(undefined, { NEO_DATA_DIR: join(dir, 'data'), NEO_TOPOLOGY: topologyFile });
  running = await startTopology(loadTopology({ path: topologyFile }), { provider: 'embedded', clusters: ['fo'] });
  writeFileSync(paths.endpointsFile, JSON.stringify(running.endpoints));
  process.env['NEO_ADMIN_USER'] = running.admin['fo']!.user;
  process.env['NEO_ADMIN_PASSWORD'] = running.admin['fo']!.password ?? '';
  await query('fo-primary', 'create table kept (id int primary key)');
  await query('fo-primary', 'insert into kept select generate_series(1, 100)');
}, 180_000);

afterAll(async () => {
  for (const [key, value] of [
    ['NEO_ADMIN_USER', savedEnv.user],
    ['NEO_ADMIN_PASSWORD', savedEnv.password],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await running?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('neo-db failover', () => {
  it('promotes a replica of a cluster whose primary is stopped, and services started from now on bind it as the primary', async () => {
    await running.stopNode('fo', 'fo-primary');
    const io = capturedOutput();
    expect(await runCli(['failover', 'fo'], io, paths)).toBe(0);
    const promoted = /fo: (fo-replica-\d) is the primary now/.exec(io.stdout)?.[1];
    expect(promoted, io.stdout + io.stderr).toBeDefined();
    expect(io.stdout).toContain('Old primary fo-primary: did not answer');

    const endpoints = JSON.parse(readFileSync(paths.endpointsFile, 'utf8')) as Endpoints;
    expect(endpoints[primaryEndpointKey('fo')]).toEqual(running.endpoints[`fo/${promoted}`]);
    const bound = runningTopology(paths).clusters['fo']!;
    expect(bound.primary.name).toBe(promoted);
    expect(bound.replicas.map((node) => node.name)).toContain('fo-primary');

    // The promoted node takes writes; every row is there; the other replica follows it.
    await query(promoted!, 'insert into kept values (101)');
    expect((await query<{ n: string }>(promoted!, 'select count(*) as n from kept'))[0]!.n).toBe('101');
    const other = promoted === 'fo-replica-1' ? 'fo-replica-2' : 'fo-replica-1';
    expect((await query<{ n: string }>(other, 'select count(*) as n from kept'))[0]!.n).toBe('101');
  }, 120_000);

  it('fails over again from the promoted node while it still answers: fences it read-only, and says which node follows no primary', async () => {
    const current = runningTopology(paths).clusters['fo']!.primary.name;
    const io = capturedOutput();
    expect(await runCli(['failover', 'fo'], io, paths)).toBe(1);
    expect(io.stdout).toContain(`Old primary ${current}: fenced read-only`);
    expect(io.stdout).toContain('fo-primary still follows no primary: does not answer');
    await expect(query(current, 'insert into kept values (102)')).rejects.toMatchObject({ code: '25006' });
    const next = runningTopology(paths).clusters['fo']!.primary.name;
    expect(next).not.toBe(current);
    await query(next, 'insert into kept values (102)');
  }, 120_000);

  it('refuses, saying why, to promote a replica that is not one', async () => {
    const io = capturedOutput();
    expect(await runCli(['failover', 'fo', '--to', 'fo-nope'], io, paths)).toBe(2);
    expect(io.stderr).toContain('--to fo-nope is not a replica of fo');
  });
});
