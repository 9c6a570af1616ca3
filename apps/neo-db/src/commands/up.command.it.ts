import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceTargets, toPgPoolConfig, type DataNode } from '@neo/topology';
import type { Topology } from '@neo/data';
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
  });
  afterAll(() => {
    delete process.env['NEO_DATA_DIR'];
    rmSync(workDir, { recursive: true, force: true });
  });

  const start = (wipe: boolean): Promise<UpHandle> => up({ wipe, provider: 'embedded', servicesToo: false, log });

  function query<T extends pg.QueryResultRow>(topology: Topology, service: string, sql: string): Promise<T[]> {
    return queryNode<T>(serviceTargets(topology, service).primary, sql);
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
      expect(Object.keys(endpoints).sort()).toEqual(declaredNodes.sort());
      ports = Object.values(endpoints).map((e) => e.port);

      const applied = await query<{ migration_name: string }>(
        topology,
        'oracle',
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL',
      );
      expect(applied.length).toBeGreaterThan(0);

      await query(topology, 'oracle', `CREATE TABLE kept_between_runs (v text); INSERT INTO kept_between_runs VALUES ('still here')`);
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

    const second = await start(false);
    try {
      const rows = await query<{ v: string }>(second.running.topology, 'oracle', 'SELECT v FROM kept_between_runs');
      expect(rows).toEqual([{ v: 'still here' }]);
    } finally {
      await second.stop();
    }

    const wiped = await start(true);
    try {
      const rows = await query<{ n: number }>(
        wiped.running.topology,
        'oracle',
        `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'kept_between_runs'`,
      );
      expect(rows[0]!.n).toBe(0);
    } finally {
      await wiped.stop();
    }
    expect(existsSync(join(workDir, 'data'))).toBe(true);
  }, 300_000);
});

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
