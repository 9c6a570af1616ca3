import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindTopology, loadTopology, locateTopologyFile, type Endpoints, type Topology } from '@neo/data';
import { pgbouncerEndpointKey, serviceTargets, throughPgBouncer, toPgPoolConfig, type DataNode } from '@neo/topology';
import { findPgBouncer } from '@neo/topology-runtime';
import { up, type UpHandle } from './up.command.js';

/** `npm start` without the services: the whole declared topology, migrated, persisted, stopped cleanly. */
describe('neo-db up', () => {
  let workDir: string;
  const log = (): void => undefined;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'neo-up-'));
    // As root the servers run as the OS user `postgres`, which must reach the data directory.
    chmodSync(workDir, 0o755);
    process.env['NEO_DATA_DIR'] = join(workDir, 'data');
    // Any free port for the PgBouncer metrics: a fixed one may be taken on a shared machine.
    process.env['NEO_PGBOUNCER_METRICS_PORT'] = '0';
  });
  afterAll(() => {
    delete process.env['NEO_DATA_DIR'];
    delete process.env['NEO_PGBOUNCER_METRICS_PORT'];
    rmSync(workDir, { recursive: true, force: true });
  });

  const start = (wipe: boolean): Promise<UpHandle> => up({ wipe, provider: 'embedded', servicesToo: false, log });

  /** As the service's owner role: the test makes a table of its own (DDL, which the app role may not run). */
  function query<T extends pg.QueryResultRow>(topology: Topology, service: string, sql: string): Promise<T[]> {
    return queryNode<T>(serviceTargets(topology, service, 'owner').primary, sql);
  }

  async function queryNode<T extends pg.QueryResultRow>(node: DataNode, sql: string): Promise<T[]> {
    const client = new pg.Client(toPgPoolConfig(node));
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('brings every cluster up with its replicas, migrates every service, keeps data between runs and wipes on request', async () => {
    const first = await start(true);
    let ports: number[] = [];
    try {
      const { topology } = first.running;
      const endpoints = JSON.parse(readFileSync(join(workDir, 'endpoints.json'), 'utf8')) as Record<string, { port: number }>;
      const declaredNodes = Object.entries(topology.clusters).flatMap(([cluster, c]) =>
        [c.primary, ...c.replicas].map((n) => `${cluster}/${n.name}`),
      );
      // Where the pgbouncer program is installed, one PgBouncer per cluster (each declares one).
      const pgbouncers = findPgBouncer() ? Object.keys(topology.clusters).map(pgbouncerEndpointKey) : [];
      expect(Object.keys(endpoints).sort()).toEqual([...declaredNodes, ...pgbouncers].sort());
      ports = Object.values(endpoints).map((e) => e.port);
      // The runtime flags live beside the data, seeded from config/flags.yaml.
      expect(readFileSync(join(workDir, 'flags.yaml'), 'utf8')).toContain('UseShardedDatabase.storage.writes: false');

      const applied = await query<{ migration_name: string }>(
        topology,
        'oracle',
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL',
      );
      expect(applied.length).toBeGreaterThan(0);

      await query(topology, 'oracle', `CREATE TABLE kept_between_runs (v text); INSERT INTO kept_between_runs VALUES ('still here')`);
      // Services reach it through the cluster's PgBouncer when one runs (the same rows).
      const oracle = serviceTargets(topology, 'oracle').primary;
      expect(oracle.pgbouncer !== undefined).toBe(pgbouncers.length > 0);
      expect(await queryNode(throughPgBouncer(oracle), 'SELECT v FROM kept_between_runs')).toEqual([{ v: 'still here' }]);
      // every replica of the blockchain cluster is a streaming standby that receives the write
      const { replicas } = serviceTargets(topology, 'oracle');
      expect(replicas).toHaveLength(topology.clusters['blockchain']!.replicas.length);
      for (const replica of replicas) {
        await expect
          .poll(() => queryNode<{ v: string }>(replica, 'SELECT v FROM kept_between_runs').catch(() => []), { timeout: 10_000 })
          .toEqual([{ v: 'still here' }]);
        expect(await queryNode(replica, 'SELECT pg_is_in_recovery() AS standby')).toEqual([{ standby: true }]);
      }
    } finally {
      await first.stop();
    }
    for (const port of ports) expect(await isListening(port)).toBe(false);
    // Flags changed while it ran (as the cutover commands do) are kept by a restart and reset by --wipe.
    writeFileSync(join(workDir, 'flags.yaml'), 'version: 1\nflags:\n  UseShardedDatabase.storage.writes: true\n');

    // The second run as an operator starts it: `neo-db up --no-services` in its own process, which
    // keeps running (and its servers with it) until Ctrl-C.
    const second = await startCli(['up', '--no-services']);
    try {
      const endpoints = JSON.parse(readFileSync(join(workDir, 'endpoints.json'), 'utf8')) as Endpoints;
      const topology = bindTopology(loadTopology({ path: locateTopologyFile() }), endpoints);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(second.exitCode).toBeNull();
      const rows = await query<{ v: string }>(topology, 'oracle', 'SELECT v FROM kept_between_runs');
      expect(rows).toEqual([{ v: 'still here' }]);
      expect(readFileSync(join(workDir, 'flags.yaml'), 'utf8')).toContain('UseShardedDatabase.storage.writes: true');
      ports = Object.values(endpoints).map((e) => e.port);
    } finally {
      second.kill('SIGINT');
      await once(second, 'exit');
    }
    for (const port of ports) expect(await isListening(port)).toBe(false);

    const wiped = await start(true);
    try {
      const rows = await query<{ n: number }>(
        wiped.running.topology,
        'oracle',
        `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'kept_between_runs'`,
      );
      expect(rows[0]!.n).toBe(0);
      expect(readFileSync(join(workDir, 'flags.yaml'), 'utf8')).toContain('UseShardedDatabase.storage.writes: false');
    } finally {
      await wiped.stop();
    }
    expect(existsSync(join(workDir, 'data'))).toBe(true);
  }, 420_000);
});

/** Runs neo-db from its sources in a child process, as `npx neo-db …` runs it built; resolves once it says it is up. */
async function startCli(args: string[]): Promise<ChildProcess> {
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', join(root, 'tools/typescript-sources.mjs'), join(root, 'apps/neo-db/src/main.ts'), ...args],
    {
      cwd: root,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('press Ctrl-C to stop')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`neo-db ${args.join(' ')} exited (${code}) before it was up:\n${output}`)));
  });
  return child;
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
