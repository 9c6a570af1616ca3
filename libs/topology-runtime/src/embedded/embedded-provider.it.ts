import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTopology } from '../start-topology.js';
import { eventually, portIsClosed, queryRows, removeDataDir } from '../test-support/pg-helpers.js';
import { sampleTopology } from '../test-support/sample-topology.js';
import type { RunningTopology } from '../topology-runtime.types.js';

const topology = sampleTopology();
const core = topology.clusters['core']!;
const app = topology.clusters['app']!;
const coreLogin = (database: string) => ({ user: core.credentials.user, password: core.credentials.password, database });
const appLogin = (database: string) => ({ user: app.credentials.user, password: app.credentials.password, database });

describe('embedded topology', () => {
  let dataDir = '';
  let running: RunningTopology;
  const endpoint = (key: string) => running.endpoints[key]!;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'neo-embedded-it-'));
    const started = performance.now();
    running = await startTopology(topology, { provider: 'embedded', dataDir, durable: false });
    console.log(`embedded topology (3 + 1 servers) started in ${Math.round(performance.now() - started)} ms`);
  });

  afterAll(async () => {
    await running?.stop();
    await removeDataDir(dataDir);
  });

  it('runs every node, with both replicas streaming through their own slots', async () => {
    expect(running.provider).toBe('embedded');
    expect(Object.keys(running.endpoints).sort()).toEqual([
      'app/app-primary',
      'core/core-primary',
      'core/core-replica-1',
      'core/core-replica-2',
    ]);
    expect(running.topology.clusters['core']?.replicas.map((replica) => replica.port)).toEqual([
      endpoint('core/core-replica-1').port,
      endpoint('core/core-replica-2').port,
    ]);
    const admin = running.admin['core']!;
    const rows = await queryRows<{ application_name: string; state: string; slot_name: string }>(
      endpoint('core/core-primary'),
      { ...admin, database: 'postgres' },
      'select r.application_name, r.state, s.slot_name from pg_stat_replication r join pg_replication_slots s on s.active_pid = r.pid order by 1',
    );
    expect(rows).toEqual([
      { application_name: 'core-replica-1', state: 'streaming', slot_name: 'core_replica_1' },
      { application_name: 'core-replica-2', state: 'streaming', slot_name: 'core_replica_2' },
    ]);
  });

  it('creates the roles, databases and monolith schemas of the topology, with the settings the runtime needs', async () => {
    const [preload] = await queryRows<{ preload: string }>(
      endpoint('core/core-primary'),
      { ...running.admin['core']!, database: 'postgres' },
      "select current_setting('shared_preload_libraries') as preload",
    );
    expect(preload?.preload).toBe('pg_stat_statements');
    const [settings] = await queryRows<{ wal_level: string; listen: string; owner: string; can_replicate: boolean }>(
      endpoint('core/core-primary'),
      coreLogin('neo_storage_2024'),
      `select current_setting('wal_level') as wal_level, current_setting('listen_addresses') as listen,
              (select pg_get_userbyid(datdba) from pg_database where datname = current_database()) as owner,
              (select rolreplication from pg_roles where rolname = current_user) as can_replicate`,
    );
    expect(settings).toEqual({ wal_level: 'logical', listen: '127.0.0.1', owner: 'neo_core', can_replicate: true });

    const schemas = await queryRows<{ nspname: string; owner: string }>(
      endpoint('app/app-primary'),
      appLogin('neo_service_layer'),
      "select nspname, pg_get_userbyid(nspowner) as owner from pg_namespace where nspname in ('storage', 'votes') order by 1",
    );
    expect(schemas).toEqual([
      { nspname: 'storage', owner: 'neo_app' },
      { nspname: 'votes', owner: 'neo_app' },
    ]);
    const databases = await queryRows<{ datname: string }>(
      endpoint('app/app-primary'),
      appLogin('postgres'),
      "select datname from pg_database where datname like 'neo_%' order by 1",
    );
    expect(databases.map((row) => row.datname)).toEqual(['neo_service_layer', 'neo_storage_2025', 'neo_voting']);
  });

  it('checks passwords over TCP', async () => {
    await expect(
      queryRows(endpoint('core/core-primary'), { user: 'neo_core', password: 'wrong', database: 'neo_storage' }, 'select 1'),
    ).rejects.toThrow(/password authentication failed/);
  });

  it('shows a row written on the primary on both replicas', async () => {
    const primary = endpoint('core/core-primary');
    await queryRows(primary, coreLogin('neo_storage'), 'create table replicated (id int primary key, note text)');
    await queryRows(primary, coreLogin('neo_storage'), "insert into replicated values (1, 'from the primary')");
    for (const replica of ['core/core-replica-1', 'core/core-replica-2']) {
      const rows = await eventually(
        async () => {
          const found = await queryRows<{ note: string }>(
            endpoint(replica),
            coreLogin('neo_storage'),
            'select note from replicated where id = 1',
          );
          return found.length ? found : undefined;
        },
        10_000,
        `the row on ${replica}`,
      );
      expect(rows).toEqual([{ note: 'from the primary' }]);
    }
    await expect(
      queryRows(endpoint('core/core-replica-1'), coreLogin('neo_storage'), 'insert into replicated values (2, null)'),
    ).rejects.toThrow(/read-only transaction/);
  });

  it('lets a replica lag while its replay is paused, and catch up when resumed', async () => {
    const primary = endpoint('core/core-primary');
    const paused = endpoint('core/core-replica-2');
    const admin = { ...running.admin['core']!, database: 'neo_storage' };
    await queryRows(primary, coreLogin('neo_storage'), 'create table lagging (id int)');
    await eventually(async () => ((await queryRows(paused, admin, "select to_regclass('lagging') as t"))[0]?.['t'] ? true : undefined));
    await queryRows(paused, admin, 'select pg_wal_replay_pause()');
    await eventually(async () =>
      (await queryRows<{ s: string }>(paused, admin, 'select pg_get_wal_replay_pause_state() as s'))[0]?.s === 'paused' ? true : undefined,
    );
    await queryRows(primary, coreLogin('neo_storage'), 'insert into lagging select generate_series(1, 100)');
    // The other replica has the rows while the paused one still has none.
    await eventually(async () => {
      const [row] = await queryRows<{ n: string }>(
        endpoint('core/core-replica-1'),
        coreLogin('neo_storage'),
        'select count(*) as n from lagging',
      );
      return row?.n === '100' ? true : undefined;
    });
    const [behind] = await queryRows<{ n: string }>(paused, coreLogin('neo_storage'), 'select count(*) as n from lagging');
    expect(behind?.n).toBe('0');

    await queryRows(paused, admin, 'select pg_wal_replay_resume()');
    const caughtUp = await eventually(async () => {
      const [row] = await queryRows<{ n: string }>(paused, coreLogin('neo_storage'), 'select count(*) as n from lagging');
      return row?.n === '100' ? row.n : undefined;
    });
    expect(caughtUp).toBe('100');
  });

  it('stops and starts one node on the same port, and the replica streams again', async () => {
    const replica = endpoint('core/core-replica-1');
    await running.stopNode('core', 'core-replica-1');
    expect(await portIsClosed(replica)).toBe(true);
    await running.startNode('core', 'core-replica-1');
    expect(endpoint('core/core-replica-1')).toEqual(replica);
    const rows = await queryRows<{ note: string }>(replica, coreLogin('neo_storage'), 'select note from replicated where id = 1');
    expect(rows).toEqual([{ note: 'from the primary' }]);
  });

  it('keeps data and ports across a restart with the same data directory, and wipes on request', async () => {
    const before = { ...running.endpoints };
    await running.stop();
    expect(await portIsClosed(before['core/core-primary']!)).toBe(true);

    const restartedAt = performance.now();
    running = await startTopology(topology, { provider: 'embedded', dataDir, durable: false });
    console.log(`restart with existing data took ${Math.round(performance.now() - restartedAt)} ms`);
    expect(running.endpoints).toEqual(before);
    const rows = await queryRows<{ note: string }>(
      endpoint('core/core-replica-2'),
      coreLogin('neo_storage'),
      'select note from replicated',
    );
    expect(rows).toEqual([{ note: 'from the primary' }]);

    await running.stop();
    running = await startTopology(topology, { provider: 'embedded', dataDir, wipe: true, durable: false });
    const [table] = await queryRows<{ t: string | null }>(
      endpoint('core/core-primary'),
      coreLogin('neo_storage'),
      "select to_regclass('replicated')::text as t",
    );
    expect(table?.t).toBeNull();
    await eventually(async () => {
      const [row] = await queryRows<{ n: string }>(
        endpoint('core/core-primary'),
        { ...running.admin['core']!, database: 'postgres' },
        "select count(*) as n from pg_stat_replication where state = 'streaming'",
      );
      return row?.n === '2' ? true : undefined;
    });
  });

  it('stops servers an earlier run left behind in the data directory before using it', async () => {
    // The running servers stand in for those of a run that crashed without stopping them
    // (same process, so the directory does not count as in use by another one).
    const lines: string[] = [];
    running = await startTopology(topology, { provider: 'embedded', dataDir, durable: false, log: (line) => lines.push(line) });
    expect(lines.filter((line) => line.includes('left running')).length).toBe(4);
    const [row] = await queryRows<{ r: boolean }>(
      endpoint('core/core-replica-1'),
      coreLogin('neo_storage'),
      'select pg_is_in_recovery() as r',
    );
    expect(row?.r).toBe(true);
  });

  it('refuses a data directory another live process is running', async () => {
    const { writeFile, readFile } = await import('node:fs/promises');
    const stateFile = path.join(dataDir, 'neo-runtime.json');
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown>;
    // The parent process (the test runner) stands in for another owner that is alive.
    await writeFile(stateFile, JSON.stringify({ ...state, ownerPid: process.ppid }));
    try {
      await expect(startTopology(topology, { provider: 'embedded', dataDir, durable: false })).rejects.toMatchObject({
        code: 'RUNTIME_DATA_DIR_IN_USE',
      });
    } finally {
      await writeFile(stateFile, JSON.stringify(state));
    }
  });
});
