import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgbouncerEntryName, pgbouncerReadOnlyEntryName, pgbouncerSchema } from '@neo/topology';
import { startTopology } from '../start-topology.js';
import { eventually, portIsClosed, queryRows } from '../test-support/pg-helpers.js';
import { sampleTopology } from '../test-support/sample-topology.js';
import type { RunningTopology } from '../topology-runtime.types.js';
import { containerRuntimeAvailable } from './container-runtime-detection.js';
import { LOCAL_PGBOUNCER_IMAGE } from './pgbouncer-container.js';
import { imagePresent, listRunContainers, publishedAddresses } from './test-support/engine-api.js';

// The same behaviours the embedded provider's test proves, against containers.
const engine = await containerRuntimeAvailable();
if (!engine) console.log('testcontainers-provider.it.ts skipped: no container engine answers (npm run containers:setup starts one)');

// core asks for a PgBouncer: in a container of its own where the image was built (npm run containers:setup).
const topology = sampleTopology();
const core = topology.clusters['core']!;
core.pgbouncer = pgbouncerSchema.parse({});
const pgbouncerInContainer = engine && (await imagePresent(LOCAL_PGBOUNCER_IMAGE));
if (engine && !pgbouncerInContainer) console.log(`the PgBouncer container test is skipped: no ${LOCAL_PGBOUNCER_IMAGE} image`);
const coreLogin = (database: string) => ({ user: core.credentials.user, password: core.credentials.password, database });

/** The run id the provider announces with its containers ("testcontainers: image …, run <id>"). */
function runIdOf(lines: string[]): string {
  const runId = lines.map((line) => /run (\S+)/.exec(line)?.[1]).find(Boolean);
  if (!runId) throw new Error('the provider announced no run id');
  return runId;
}

describe.skipIf(!engine)('testcontainers topology', () => {
  let running: RunningTopology;
  const lines: string[] = [];
  const endpoint = (key: string) => running.endpoints[key]!;

  beforeAll(async () => {
    const started = performance.now();
    running = await startTopology(topology, { provider: 'testcontainers', pgbouncer: true, log: (line) => lines.push(line) });
    console.log(`container topology (3 + 1 containers) started in ${Math.round(performance.now() - started)} ms; ${lines[0]}`);
  }, 300_000);

  afterAll(async () => {
    await running?.stop();
  });

  it('runs every node, with both replicas streaming through their own slots', async () => {
    expect(running.provider).toBe('testcontainers');
    // The servers' endpoints ("<cluster>/<node>"; a PgBouncer's is "<cluster>:pgbouncer").
    expect(
      Object.keys(running.endpoints)
        .filter((key) => key.includes('/'))
        .sort(),
    ).toEqual(['app/app-primary', 'core/core-primary', 'core/core-replica-1', 'core/core-replica-2']);
    // Published for this machine only, like the embedded servers.
    expect(await publishedAddresses(runIdOf(lines))).toEqual(['127.0.0.1']);
    // Server-to-server links (a cutover's subscriptions) use the node's alias on the run's network.
    expect(running.endpoints['app/app-primary']).toMatchObject({ replicationHost: 'app-primary.app', replicationPort: 5432 });
    expect(running.topology.clusters['core']!.replicas[0]).toMatchObject({ replicationHost: 'core-replica-1.core', replicationPort: 5432 });
    const rows = await queryRows<{ application_name: string; state: string; slot_name: string }>(
      endpoint('core/core-primary'),
      { ...running.admin['core']!, database: 'postgres' },
      'select r.application_name, r.state, s.slot_name from pg_stat_replication r join pg_replication_slots s on s.active_pid = r.pid order by 1',
    );
    expect(rows).toEqual([
      { application_name: 'core-replica-1', state: 'streaming', slot_name: 'core_replica_1' },
      { application_name: 'core-replica-2', state: 'streaming', slot_name: 'core_replica_2' },
    ]);
  });

  it('creates the roles, databases and monolith schemas of the topology', async () => {
    const app = topology.clusters['app']!;
    const appLogin = { user: app.credentials.user, password: app.credentials.password };
    const schemas = await queryRows<{ nspname: string }>(
      endpoint('app/app-primary'),
      { ...appLogin, database: 'neo_service_layer' },
      "select nspname from pg_namespace where nspname in ('storage', 'votes') order by 1",
    );
    expect(schemas.map((row) => row.nspname)).toEqual(['storage', 'votes']);
    const databases = await queryRows<{ datname: string }>(
      endpoint('core/core-primary'),
      coreLogin('postgres'),
      "select datname from pg_database where datname like 'neo_%' order by 1",
    );
    expect(databases.map((row) => row.datname)).toEqual(['neo_storage', 'neo_storage_2024']);
    await expect(
      queryRows(endpoint('core/core-primary'), { user: 'neo_core', password: 'wrong', database: 'neo_storage' }, 'select 1'),
    ).rejects.toThrow(/password authentication failed/);
  });

  it('shows a row written on the primary on both replicas, which refuse writes', async () => {
    await queryRows(
      endpoint('core/core-primary'),
      coreLogin('neo_storage'),
      "create table replicated (id int primary key, note text); insert into replicated values (1, 'from the primary')",
    );
    for (const replica of ['core/core-replica-1', 'core/core-replica-2']) {
      const rows = await eventually(async () => {
        const found = await queryRows<{ note: string }>(
          endpoint(replica),
          coreLogin('neo_storage'),
          'select note from replicated where id = 1',
        );
        return found.length ? found : undefined;
      });
      expect(rows).toEqual([{ note: 'from the primary' }]);
    }
    await expect(
      queryRows(endpoint('core/core-replica-1'), coreLogin('neo_storage'), 'insert into replicated values (2, null)'),
    ).rejects.toThrow(/read-only transaction/);
  });

  it.skipIf(!pgbouncerInContainer)(
    "runs the cluster's PgBouncer in a container beside the servers: writes reach the primary, reads the replicas",
    async () => {
      const [pgbouncer] = running.pgbouncers;
      expect(pgbouncer).toMatchObject({ cluster: 'core', host: '127.0.0.1' });
      expect(pgbouncer!.configFile).toMatch(/^[\w.-]+:\/etc\/neo-pgbouncer\/pgbouncer\.ini$/);
      expect(running.topology.clusters['core']!.pgbouncer).toMatchObject({ host: '127.0.0.1', port: pgbouncer!.port });
      const through = { host: pgbouncer!.host, port: pgbouncer!.port };
      const inRecovery = async (database: string) =>
        (await queryRows<{ r: boolean }>(through, coreLogin(database), 'select pg_is_in_recovery() as r'))[0]?.r;
      expect(await inRecovery('neo_storage')).toBe(false);
      expect(await inRecovery(pgbouncerReadOnlyEntryName('neo_storage'))).toBe(true);
      expect(await inRecovery(pgbouncerEntryName('neo_storage', { role: 'replica', node: 'core-replica-2' }))).toBe(true);
      await expect(queryRows(through, { user: 'neo_core', password: 'wrong', database: 'neo_storage' }, 'select 1')).rejects.toThrow(
        /SASL authentication failed/,
      );
    },
  );

  it('lets a replica lag while its replay is paused, and catch up when resumed', async () => {
    const paused = endpoint('core/core-replica-2');
    const admin = { ...running.admin['core']!, database: 'neo_storage' };
    await queryRows(endpoint('core/core-primary'), coreLogin('neo_storage'), 'create table lagging (id int)');
    await eventually(async () => ((await queryRows(paused, admin, "select to_regclass('lagging') as t"))[0]?.['t'] ? true : undefined));
    await queryRows(paused, admin, 'select pg_wal_replay_pause()');
    await queryRows(endpoint('core/core-primary'), coreLogin('neo_storage'), 'insert into lagging select generate_series(1, 100)');
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
    await eventually(async () => {
      const [row] = await queryRows<{ n: string }>(paused, coreLogin('neo_storage'), 'select count(*) as n from lagging');
      return row?.n === '100' ? true : undefined;
    });
  });

  it('stops and starts one node on the same port, and the replica streams again', async () => {
    const replica = endpoint('core/core-replica-1');
    await running.stopNode('core', 'core-replica-1');
    await eventually(async () => ((await portIsClosed(replica)) ? true : undefined), 20_000, 'the stopped replica to close its port');
    await running.startNode('core', 'core-replica-1');
    expect(endpoint('core/core-replica-1')).toEqual(replica);
    await queryRows(endpoint('core/core-primary'), coreLogin('neo_storage'), "insert into replicated values (3, 'after the restart')");
    const rows = await eventually(async () => {
      const found = await queryRows<{ note: string }>(replica, coreLogin('neo_storage'), 'select note from replicated where id = 3');
      return found.length ? found : undefined;
    });
    expect(rows).toEqual([{ note: 'after the restart' }]);
  });

  it('removes every container and network it made on stop, and starts empty again (a wipe)', async () => {
    const runId = runIdOf(lines);
    expect((await listRunContainers(runId)).containers).toHaveLength(pgbouncerInContainer ? 5 : 4);
    await running.stop();
    expect(await listRunContainers(runId)).toEqual({ containers: [], networks: [] });

    running = await startTopology(topology, { provider: 'testcontainers', clusters: ['core'] });
    const [table] = await queryRows<{ t: string | null }>(
      endpoint('core/core-primary'),
      coreLogin('neo_storage'),
      "select to_regclass('replicated')::text as t",
    );
    expect(table?.t).toBeNull();
  }, 300_000);
});
