import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgClientConfig, topologySchema } from '@neo/topology';
import { startScratchPostgres, startTopology, type RunningTopology, type ScratchPostgres } from '@neo/topology-runtime';
import type { BackupManifest } from '../backup/backup-manifest.js';
import { workspacePaths } from '../workspace-paths.js';
import { backupCommand } from './backup.command.js';
import { restoreCommand } from './restore.command.js';

/**
 * `neo-db backup` and `neo-db restore` against real servers: a hot cluster with a sharded
 * service, backed up while writers keep inserting, restored into another server and verified
 * table by table against the manifest.
 */
describe('neo-db backup and restore', () => {
  let workspace: string;
  let running: RunningTopology;
  let target: ScratchPostgres;
  let env: NodeJS.ProcessEnv;
  const lines: string[] = [];
  const log = (line: string): void => void lines.push(line);

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'neo-backup-'));
    const topology = topologySchema.parse({
      version: 1,
      clusters: {
        core: {
          temperature: 'hot',
          credentials: { user: 'neo_core', password: 'core-secret' },
          // TLS only: pg_dump, pg_restore and the checks connect verified; the scratch target is plain.
          tls: {},
          primary: { name: 'core-primary' },
          backups: { schedule: '0 2 * * *', keepDays: 7 },
        },
      },
      services: {
        ledger: {
          cluster: 'core',
          database: 'neo_ledger',
          sharding: {
            strategy: 'modulo',
            key: 'userId',
            models: ['Entry'],
            shards: [
              { name: 'ledger_0', database: 'neo_ledger_0', remainder: 0 },
              { name: 'ledger_1', database: 'neo_ledger_1', remainder: 1 },
            ],
          },
        },
      },
      monolith: { cluster: 'core', database: 'neo_service_layer' },
    });
    [running, target] = await Promise.all([startTopology(topology, { provider: 'embedded' }), startScratchPostgres()]);
    writeFileSync(join(workspace, 'topology.json'), JSON.stringify(topology));
    writeFileSync(join(workspace, 'endpoints.json'), JSON.stringify(running.endpoints));
    const admin = running.admin['core']!;
    env = {
      ...process.env,
      NEO_ADMIN_USER: admin.user,
      NEO_ADMIN_PASSWORD: admin.password ?? '',
      NEO_BACKUP_DIR: join(workspace, 'backups'),
    };
    // Each database: an order table and its lines, always written together in one transaction,
    // so any consistent snapshot holds exactly three lines per order.
    for (const database of ['neo_ledger', 'neo_ledger_0', 'neo_ledger_1', 'neo_service_layer']) {
      await withClient(database, (client) =>
        client.query(`CREATE TABLE orders (id bigserial PRIMARY KEY, note text, amount numeric(12,2), at timestamptz DEFAULT now());
                      CREATE TABLE order_lines (order_id bigint REFERENCES orders, line int, payload jsonb, PRIMARY KEY (order_id, line));`),
      );
      await withClient(database, (client) => insertOrders(client, 200));
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled([running?.stop(), target?.stop()]);
    rmSync(workspace, { recursive: true, force: true });
  });

  const paths = () =>
    workspacePaths(workspace, { NEO_TOPOLOGY: join(workspace, 'topology.json'), NEO_ENDPOINTS: join(workspace, 'endpoints.json') });
  const withClient = async <T>(
    database: string,
    use: (client: pg.Client) => Promise<T>,
    server?: { host: string; port: number; user: string; password: string },
  ): Promise<T> => {
    const core = running.topology.clusters['core']!.primary;
    const admin = running.admin['core']!;
    const client = new pg.Client(
      pgClientConfig(server ? { ...server, database } : { host: core.host!, port: core.port!, ...admin, database }),
    );
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  };
  const onTarget = <T>(database: string, use: (client: pg.Client) => Promise<T>) =>
    withClient(database, use, { host: target.host, port: target.port, user: target.user, password: target.password });

  let backupFolder: string;

  it('backs up every database and shard under write load, the manifest matching the dump snapshot', async () => {
    // Writers insert into every database throughout the backup.
    let writing = true;
    let written = 0;
    const writers = ['neo_ledger', 'neo_ledger_0', 'neo_ledger_1', 'neo_service_layer'].map((database) =>
      withClient(database, async (client) => {
        while (writing) written += await insertOrders(client, 5);
      }),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await backupCommand({ jobs: '2' }, [], paths(), log, env)).toBe(0);
    } finally {
      writing = false;
      await Promise.all(writers);
    }
    expect(written).toBeGreaterThan(0);

    const root = join(workspace, 'backups');
    const [folderName] = readdirSync(root);
    backupFolder = join(root, folderName!);
    expect(folderName).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
    const manifest = JSON.parse(readFileSync(join(backupFolder, 'manifest.json'), 'utf8')) as BackupManifest;
    expect(manifest.keepDays).toBe(7);
    expect(manifest.dumps.map((dump) => [dump.database, dump.shard ?? null]).sort()).toEqual([
      ['neo_ledger', null],
      ['neo_ledger_0', 'ledger_0'],
      ['neo_ledger_1', 'ledger_1'],
      ['neo_service_layer', null],
    ]);
    for (const dump of manifest.dumps) {
      expect(dump.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(dump.sizeBytes).toBeGreaterThan(0);
      expect(dump.walLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      expect(dump.server).toMatchObject({ node: 'core-primary', port: running.topology.clusters['core']!.primary.port });
      const orders = dump.tables.find((table) => table.table === 'orders')!;
      const orderLines = dump.tables.find((table) => table.table === 'order_lines')!;
      // One snapshot: three lines per order, never an order caught without its lines.
      expect(orderLines.rows).toBe(orders.rows * 3);
      expect(orders.rows).toBeGreaterThanOrEqual(200);
    }
    // One progress line per database, and a summary.
    expect(lines.filter((line) => /^ {2}core\/neo_/.test(line))).toHaveLength(4);
    expect(lines.some((line) => line.startsWith('backup: 4 database(s)'))).toBe(true);
    console.log(lines.filter((line) => line.startsWith('backup:')).join('\n'));
  }, 300_000);

  it('restores into another server and verifies every table of every shard against the backup', async () => {
    lines.length = 0;
    expect(await restoreCommand({ into: target.url }, [backupFolder], paths(), log, env)).toBe(0);
    const manifest = JSON.parse(readFileSync(join(backupFolder, 'manifest.json'), 'utf8')) as BackupManifest;
    for (const dump of manifest.dumps) {
      const orders = await onTarget(dump.database, async (client) =>
        Number((await client.query('SELECT count(*) AS n FROM orders')).rows[0].n),
      );
      expect(orders).toBe(dump.tables.find((table) => table.table === 'orders')!.rows);
    }
    expect(lines.at(-1)).toMatch(/^restore: 4 database\(s\) into 127\.0\.0\.1:\d+, \d+ rows verified/);
    console.log(lines.at(-1));
  }, 300_000);

  it('refuses to overwrite a live database without --force, and replaces it with --force', async () => {
    await onTarget('neo_ledger_0', (client) => client.query(`INSERT INTO orders (note) VALUES ('written after the restore')`));
    await expect(restoreCommand({ into: target.url, service: 'ledger' }, [backupFolder], paths(), log, env)).rejects.toThrow(
      /Refusing to overwrite 3 live database\(s\) on 127\.0\.0\.1:\d+: .*neo_ledger_0.*--force/,
    );
    expect(await restoreCommand({ into: target.url, service: 'ledger', force: true }, [backupFolder], paths(), log, env)).toBe(0);
    const extra = await onTarget(
      'neo_ledger_0',
      async (client) => (await client.query(`SELECT 1 FROM orders WHERE note = 'written after the restore'`)).rowCount,
    );
    expect(extra).toBe(0);
  }, 300_000);

  it('refuses a damaged dump before touching the target, naming the file', async () => {
    const manifest = JSON.parse(readFileSync(join(backupFolder, 'manifest.json'), 'utf8')) as BackupManifest;
    const dump = manifest.dumps.find((entry) => entry.database === 'neo_service_layer')!;
    const file = join(backupFolder, dump.file);
    const original = readFileSync(file);
    writeFileSync(file, Buffer.concat([original, Buffer.from('x')]));
    await onTarget('neo_ledger', (client) => client.query(`INSERT INTO orders (note) VALUES ('still here')`));
    try {
      await expect(restoreCommand({ into: target.url, cluster: 'core', force: true }, [backupFolder], paths(), log, env)).rejects.toThrow(
        /neo_service_layer\.dump is damaged: its sha256 is/,
      );
      const marker = await onTarget(
        'neo_ledger',
        async (client) => (await client.query(`SELECT 1 FROM orders WHERE note = 'still here'`)).rowCount,
      );
      expect(marker).toBe(1);
    } finally {
      writeFileSync(file, original);
    }
  }, 300_000);

  it('fails when a restored table differs from the manifest', async () => {
    const manifestFile = join(backupFolder, 'manifest.json');
    const text = readFileSync(manifestFile, 'utf8');
    const manifest = JSON.parse(text) as BackupManifest;
    const dump = manifest.dumps.find((entry) => entry.database === 'neo_ledger')!;
    dump.tables.find((table) => table.table === 'orders')!.checksum = '12345';
    writeFileSync(manifestFile, JSON.stringify(manifest));
    try {
      await expect(restoreCommand({ into: target.url, service: 'ledger', force: true }, [backupFolder], paths(), log, env)).rejects.toThrow(
        /public\.orders has the backup's \d+ rows but different contents/,
      );
    } finally {
      writeFileSync(manifestFile, text);
    }
  }, 300_000);
});

let sequence = 0;
/** Inserts `count` orders, each with three lines, in one transaction; resolves to `count`. */
async function insertOrders(client: pg.Client, count: number): Promise<number> {
  await client.query('BEGIN');
  for (let i = 0; i < count; i++) {
    sequence += 1;
    const { rows } = await client.query<{ id: string }>(`INSERT INTO orders (note, amount) VALUES ($1, $2) RETURNING id`, [
      `order ${sequence}`,
      sequence / 100,
    ]);
    await client.query(
      `INSERT INTO order_lines (order_id, line, payload) SELECT $1, line, jsonb_build_object('line', line, 'seq', $2::int) FROM generate_series(1, 3) AS line`,
      [rows[0]!.id, sequence],
    );
  }
  await client.query('COMMIT');
  return count;
}
