import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDataSource, DataMetrics, PrimaryUnavailableError, type DataSource, type Endpoints } from '@neo/data';
import { pgClientConfig, primaryEndpointKey, serviceTargets, toPgPoolConfig } from '@neo/topology';
import { PrismaClient } from '../../../../libs/data/src/generated/replica-fixture/client.js';
import { runCli } from '../cli.js';
import { capturedOutput } from '../test-support/cli-io.js';
import { workspacePaths, type WorkspacePaths } from '../workspace-paths.js';
import type { FailoverEvent } from '../failover/auto-failover.js';
import { up, type UpHandle } from './up.command.js';

/*
 * `npm start -- --auto-failover --no-services` in this process, on one cluster of a primary and two
 * replicas (synchronous, TLS as the default topology), shared by three tests run in order:
 * 1. a steady write-then-read load through @neo/data while the primary's postmaster is SIGKILLed
 *    (AUTO_FAILOVER_RUNS times, the new primary each time): the watchdog promotes a replica, writes
 *    resume there, reads never stop, every acknowledged write is there once, the old primary
 *    streams again as a replica;
 * 2. `neo-db failover` from "another terminal" leaves the old primary fenced; `neo-db rejoin`
 *    brings it back through the running up's control channel, and refuses the primary itself;
 * 3. a restart after a failover starts the promoted node as the primary and clones the fenced one;
 * 4. a restart clones again a node that looks like a replica but cannot follow the new primary.
 */

const CLUSTER = 'fo';
const NODES = ['fo-primary', 'fo-replica-1', 'fo-replica-2'];
// Long enough that a primary slowed by a loaded machine (other test runs) is not taken for dead before the kill.
const UNREACHABLE_FOR_MS = 2_500;
/** AUTO_FAILOVER_RUNS=10 kills the primary of the day ten times in a row and prints the p50/p95 of the write outage (CI: once). */
const RUNS = Math.max(1, Number(process.env['AUTO_FAILOVER_RUNS'] ?? 1));
/** How long a wait for the servers may take on a busy 2-core machine. */
const WAIT = { timeout: 30_000, interval: 100 };
const declared = {
  version: 1,
  clusters: {
    [CLUSTER]: {
      temperature: 'hot',
      credentials: { user: 'neo_fo', password: 'fo-secret' },
      primary: { name: 'fo-primary' },
      replicas: [{ name: 'fo-replica-1' }, { name: 'fo-replica-2' }],
      // A commit returns once a replica has it: the promoted replica has every acknowledged write.
      synchronousReplicas: 1,
      pool: { max: 4 },
      tls: {},
      failover: { unreachableForMs: UNREACHABLE_FOR_MS, checkIntervalMs: 200 },
    },
  },
  services: { fixture: { cluster: CLUSTER, database: 'neo_failover_fixture', reads: { maxLagMs: 1_000, lagPollIntervalMs: 100 } } },
  monolith: { cluster: CLUSTER, database: 'neo_service_layer' },
};

const savedEnv = Object.fromEntries(['NEO_TOPOLOGY', 'NEO_DATA_DIR', 'NEO_PGBOUNCER_METRICS_PORT'].map((key) => [key, process.env[key]]));
let workDir: string;
let paths: WorkspacePaths;
let handle: UpHandle | undefined;
let lines: string[] = [];
const log = (line: string): void => void lines.push(line);
let source: DataSource<PrismaClient> | undefined;

const endpoints = (): Endpoints => JSON.parse(readFileSync(paths.endpointsFile, 'utf8')) as Endpoints;
const failoverEvents = (): FailoverEvent[] =>
  lines.filter((line) => line.startsWith('{"event":"failover"')).map((line) => JSON.parse(line) as FailoverEvent);

async function query<T extends pg.QueryResultRow>(node: string, sql: string, database = 'neo_failover_fixture'): Promise<T[]> {
  const running = handle!.running;
  const endpoint = endpoints()[`${CLUSTER}/${node}`]!;
  const client = new pg.Client(pgClientConfig({ ...endpoint, ...running.admin[CLUSTER]!, database }));
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const inRecovery = async (node: string): Promise<boolean> =>
  (await query<{ r: boolean }>(node, 'select pg_is_in_recovery() as r', 'postgres'))[0]!.r;

/** The nodes streaming from `primary`, by application_name. */
const streamingFrom = async (primary: string): Promise<string[]> =>
  (
    await query<{ name: string }>(
      primary,
      "select application_name as name from pg_stat_replication where state = 'streaming' order by 1",
      'postgres',
    )
  ).map((row) => row.name);

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'neo-auto-failover-'));
  // As root the servers run as the OS user `postgres`, which must reach the data directory.
  chmodSync(workDir, 0o755);
  writeFileSync(join(workDir, 'topology.yaml'), JSON.stringify(declared));
  process.env['NEO_TOPOLOGY'] = join(workDir, 'topology.yaml');
  process.env['NEO_DATA_DIR'] = join(workDir, 'data');
  process.env['NEO_PGBOUNCER_METRICS_PORT'] = '0';
  paths = workspacePaths(undefined, process.env);
  handle = await up({ wipe: true, provider: 'embedded', servicesToo: false, autoFailover: true, log });
  // As the service's login (the cluster's credentials): the table is its own.
  const owner = new pg.Client(toPgPoolConfig(serviceTargets(handle.running.topology, 'fixture').primary));
  await owner.connect();
  await owner.query(
    'create table item (id serial primary key, name text not null, value int not null default 0, created_at timestamp(3) not null default now())',
  );
  await owner.end();
  source = createDataSource({
    service: 'fixture',
    topology: handle.running.topology,
    createClient: (adapter) => new PrismaClient({ adapter }),
    metrics: new DataMetrics({ service: 'fixture' }),
  });
  await source.ready();
}, 180_000);

afterAll(async () => {
  await source?.close();
  await handle?.stop();
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(workDir, { recursive: true, force: true });
}, 120_000);

interface Load {
  acknowledged: string[];
  /** When each acknowledged write was answered, and the node that was the primary when it was sent. */
  ackedAt: { at: number; node: string }[];
  failed: { name: string; error: string }[];
  readErrors: unknown[];
  reads: number;
  /** The longest time between two answered reads. */
  longestReadGapMs: number;
}

/** Write-then-read in a loop, and a reader that never pauses, until stopped. */
function startLoad(data: DataSource<PrismaClient>, prefix: string): { result: Load; stop: () => Promise<void> } {
  const client = data.client;
  const result: Load = { acknowledged: [], ackedAt: [], failed: [], readErrors: [], reads: 0, longestReadGapMs: 0 };
  let stopping = false;
  const writer = (async () => {
    for (let i = 0; !stopping; i++) {
      const name = `${prefix}-${i}`;
      try {
        const node = data.status!().find((status) => status.role === 'primary')?.label ?? '?';
        const row = await client.item.create({ data: { name } });
        result.acknowledged.push(name);
        result.ackedAt.push({ at: performance.now(), node });
        await client.item.findUnique({ where: { id: row.id } });
      } catch (error) {
        // Only the typed 503 is an acceptable answer while the primary moves.
        result.failed.push({ name, error: error instanceof PrimaryUnavailableError ? 'PrimaryUnavailableError' : String(error) });
        await sleep(10);
      }
      await sleep(2);
    }
  })();
  const reader = (async () => {
    let last = performance.now();
    while (!stopping) {
      try {
        await client.item.findFirst({ orderBy: { id: 'desc' } });
        result.reads++;
        const now = performance.now();
        result.longestReadGapMs = Math.max(result.longestReadGapMs, now - last);
        last = now;
      } catch (error) {
        result.readErrors.push(error);
      }
      await sleep(2);
    }
  })();
  return {
    result,
    stop: async () => {
      stopping = true;
      await Promise.all([writer, reader]);
    },
  };
}

/** Every acknowledged write present exactly once; a failed one at most once (its commit may have happened before the answer was lost). */
async function expectWritesKept(node: string, load: Load): Promise<void> {
  const rows = await query<{ name: string; n: string }>(node, 'select name, count(*) as n from item group by name');
  const counts = new Map(rows.map((row) => [row.name, Number(row.n)]));
  expect(load.acknowledged.filter((name) => counts.get(name) !== 1)).toEqual([]);
  expect(load.failed.filter(({ name }) => (counts.get(name) ?? 0) > 1)).toEqual([]);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const currentPrimaryRecord = (): { primary: string } =>
  JSON.parse(readFileSync(join(workDir, 'data', CLUSTER, 'current-primary.json'), 'utf8')) as { primary: string };

/** `neo-db status`'s line for the test's cluster: the node taking writes, then every other node's state. */
async function clusterStatusLine(): Promise<string | undefined> {
  const output = capturedOutput();
  await runCli(['status'], output, paths);
  const line = output.stdout.split('\n').find((text) => text.startsWith(`cluster ${CLUSTER}:`));
  expect(line, output.stdout + output.stderr).toBeDefined();
  return line;
}

/**
 * `neo-db failover --to` the replica that is neither the primary now nor the first declared node.
 * Nothing is written meanwhile, so the replicas are level (the bound only covers WAL the fence
 * itself may add).
 */
async function failOverToTheOtherReplica(): Promise<{ fenced: string; primary: string; failover: ReturnType<typeof capturedOutput> }> {
  const fenced = currentPrimaryRecord().primary;
  const primary = NODES.find((node) => node !== fenced && node !== 'fo-primary')!;
  const failover = capturedOutput();
  expect(
    await runCli(['failover', CLUSTER, '--to', primary, '--max-lag-bytes', '65536'], failover, paths),
    failover.stdout + failover.stderr,
  ).toBe(0);
  return { fenced, primary, failover };
}

describe('neo-db up --auto-failover', () => {
  it(
    'promotes a replica when the primary is killed under load: writes resume there, reads never stop, nothing lost, the old primary streams again',
    async () => {
      const load = startLoad(source!, 'auto');
      await vi.waitFor(
        () => expect(load.result.acknowledged.length, JSON.stringify(load.result.failed.slice(-1))).toBeGreaterThanOrEqual(50),
        WAIT,
      );
      const windows: number[] = [];
      let primary = 'fo-primary';
      for (let run = 1; run <= RUNS; run++) {
        const pid = Number(readFileSync(join(handle!.running.dataDir!, CLUSTER, primary, 'postmaster.pid'), 'utf8').split('\n')[0]);
        const ackedBeforeKill = load.result.acknowledged.length;
        // Each failover must be the kill's: one before it would make the figures below meaningless.
        expect(failoverEvents(), 'no failover before the kill').toHaveLength(run - 1);
        const killedAt = performance.now();
        process.kill(pid, 'SIGKILL');

        // The watchdog notices, promotes, records and brings the old primary back: one JSON event says so.
        await vi.waitFor(() => expect(failoverEvents()).toHaveLength(run), { timeout: 60_000, interval: 100 });
        const event = failoverEvents()[run - 1]!;
        expect(event, JSON.stringify(event)).toMatchObject({ cluster: CLUSTER, oldPrimary: primary, outcome: 'promoted' });
        expect(event.rejoinError).toBeUndefined();
        const promoted = event.newPrimary!;
        expect(NODES.filter((node) => node !== primary)).toContain(promoted);

        await vi.waitFor(() => expect(load.result.acknowledged.length).toBeGreaterThanOrEqual(ackedBeforeKill + 50), WAIT);
        // The outage: from the kill to the first write acknowledged by the promoted node. (Backends of a
        // killed postmaster may still finish a write or two meanwhile: they exit once they notice.)
        const promotedLabel = `${CLUSTER}/${promoted}/neo_failover_fixture`;
        const resumed = load.result.ackedAt.find((ack) => ack.at > killedAt && ack.node === promotedLabel);
        expect(resumed, 'a write acknowledged by the promoted node').toBeDefined();
        const outageMs = resumed!.at - killedAt;
        const acks = load.result.ackedAt.slice(Math.max(0, ackedBeforeKill - 1)).map((ack) => ack.at);
        const gapMs = Math.max(...acks.slice(1).map((at, index) => at - acks[index]!));
        windows.push(outageMs);
        console.log(
          `auto-failover run ${run}: writes resumed on ${promoted} ${Math.round(outageMs)} ms after the SIGKILL of ${primary}, ` +
            `longest gap between two acknowledged writes ${Math.round(gapMs)} ms (declared unreachableForMs ` +
            `${UNREACHABLE_FOR_MS}; it had not answered for ${event.unreachableMs} ms when the failover began; failover ${event.durationMs} ms; ` +
            `old primary back as a replica ${event.rejoinMs} ms later)`,
        );
        // Writes are back within the declared time, the checks around it and the promotion.
        expect(outageMs).toBeGreaterThanOrEqual(UNREACHABLE_FOR_MS);
        expect(outageMs).toBeLessThan(UNREACHABLE_FOR_MS + 10_000);
        // The old primary streams from the new one; the other replica follows it too.
        expect(await inRecovery(primary)).toBe(true);
        expect(await streamingFrom(promoted)).toEqual(NODES.filter((node) => node !== promoted));
        primary = promoted;
      }
      await load.stop();
      console.log(
        `auto-failover over ${RUNS} run(s): writes unavailable p50 ${Math.round(percentile(windows, 50))} ms, p95 ${Math.round(percentile(windows, 95))} ms; ` +
          `longest gap between two reads ${Math.round(load.result.longestReadGapMs)} ms; ${load.result.failed.length} writes got the typed 503, ` +
          `${load.result.acknowledged.length} acknowledged, ${load.result.reads} reads, ${load.result.readErrors.length} read errors`,
      );
      expect(load.result.readErrors).toEqual([]);
      expect(load.result.failed.filter((failure) => failure.error !== 'PrimaryUnavailableError')).toEqual([]);
      await expectWritesKept(primary, load.result);
      expect(source!.status!().find((node) => node.role === 'primary')?.label).toBe(`${CLUSTER}/${primary}/neo_failover_fixture`);
      // Every node has every row.
      const total = (await query<{ n: string }>(primary, 'select count(*) as n from item'))[0]!.n;
      for (const node of NODES) {
        await vi.waitFor(async () => expect((await query<{ n: string }>(node, 'select count(*) as n from item'))[0]!.n).toBe(total), WAIT);
      }

      // Recorded where services, neo-db and the next start look.
      expect(endpoints()[primaryEndpointKey(CLUSTER)]).toEqual(endpoints()[`${CLUSTER}/${primary}`]);
      expect(currentPrimaryRecord().primary).toBe(primary);
      const metricsUrl = /metrics of this process .*: (http:\S+)/.exec(lines.join('\n'))?.[1];
      expect(metricsUrl, lines.join('\n')).toBeDefined();
      const metrics = await (await fetch(metricsUrl!)).text();
      expect(metrics).toContain(`neo_failovers_total{cluster="${CLUSTER}",outcome="promoted"} ${RUNS}`);
      expect(metrics).toContain(`neo_failover_duration_seconds_count{cluster="${CLUSTER}",outcome="promoted"} ${RUNS}`);

      // One outage, one promotion: the watchdog now watches the new primary, which answers.
      await sleep(UNREACHABLE_FOR_MS * 2);
      expect(failoverEvents()).toHaveLength(RUNS);
    },
    60_000 + 60_000 * RUNS,
  );

  it('neo-db rejoin brings a fenced old primary back through the running up, and refuses the primary itself', async () => {
    const before = currentPrimaryRecord().primary;
    // `neo-db failover` from another terminal: the primary still answers, so it is fenced, not stopped.
    const failover = capturedOutput();
    expect(await runCli(['failover', CLUSTER], failover, paths), failover.stdout + failover.stderr).toBe(0);
    const promoted = currentPrimaryRecord().primary;
    expect(promoted).not.toBe(before);
    expect(failover.stdout).toContain(`make it a replica again with: neo-db rejoin ${CLUSTER} ${before}`);
    expect(await inRecovery(before)).toBe(false);
    // neo-db status asks every node over TLS, as the cluster requires: the promoted node takes writes, the fenced one is read-only.
    const fencedLine = await clusterStatusLine();
    expect(fencedLine).toContain(`primary ${promoted}`);
    expect(fencedLine).toContain(`${before} read-only`);

    const refused = capturedOutput();
    expect(await runCli(['rejoin', CLUSTER, promoted], refused, paths)).toBe(1);
    expect(refused.stderr).toContain(`${promoted} is the primary of ${CLUSTER} now`);
    const unknown = capturedOutput();
    expect(await runCli(['rejoin', CLUSTER, 'fo-nope'], unknown, paths)).toBe(1);
    expect(unknown.stderr).toContain(`${CLUSTER} has no node "fo-nope"; its nodes: ${NODES.join(', ')}`);
    const usage = capturedOutput();
    expect(await runCli(['rejoin', CLUSTER], usage, paths)).toBe(2);

    const rejoin = capturedOutput();
    expect(await runCli(['rejoin', CLUSTER, before], rejoin, paths), rejoin.stderr).toBe(0);
    expect(rejoin.stdout).toContain(`${CLUSTER}: ${before} rejoined as a replica of ${promoted}`);
    expect(await inRecovery(before)).toBe(true);
    expect(await streamingFrom(promoted)).toEqual(NODES.filter((node) => node !== promoted));
    const rejoinedLine = await clusterStatusLine();
    expect(rejoinedLine).toContain(`primary ${promoted}`);
    expect(rejoinedLine).toContain(`${before} replica`);
    // A fenced primary answers its checks: the watchdog took no action of its own.
    expect(failoverEvents()).toHaveLength(RUNS);
  }, 120_000);

  it('a restart after a failover starts the promoted node as the primary, and clones the old one that cannot follow it', async () => {
    // Fail over once more, to a declared replica, and stop without bringing the fenced node back: it
    // has no standby.signal.
    const { fenced, primary, failover } = await failOverToTheOtherReplica();
    expect(currentPrimaryRecord().primary).toBe(primary);
    expect(failover.stdout).toContain(`Old primary ${fenced}: fenced`);
    await query(primary, "insert into item (name) values ('before-restart')");
    await source!.close();
    source = undefined;
    await handle!.stop();
    handle = undefined;
    // Stopping the servers is no outage: the watchdogs stopped first.
    expect(failoverEvents()).toHaveLength(RUNS);

    const notRunning = capturedOutput();
    expect(await runCli(['rejoin', CLUSTER, fenced], notRunning, paths)).toBe(1);
    expect(notRunning.stderr).toContain('no `npm start` is running');
    expect(existsSync(join(workDir, 'data', 'control.json'))).toBe(false);

    lines = [];
    handle = await up({ wipe: false, provider: 'embedded', servicesToo: false, log });
    expect(lines.join('\n')).toContain(`cluster ${CLUSTER}: ${primary} is the primary since a failover`);
    expect(handle.running.topology.clusters[CLUSTER]!.primary.name).toBe(primary);
    expect(lines.join('\n')).toContain(`cloned replica ${CLUSTER}/${fenced} from its primary`);
    expect(endpoints()[primaryEndpointKey(CLUSTER)]).toEqual(endpoints()[`${CLUSTER}/${primary}`]);
    expect(await inRecovery(primary)).toBe(false);
    for (const node of NODES.filter((name) => name !== primary)) expect(await inRecovery(node)).toBe(true);
    await vi.waitFor(async () => expect(await streamingFrom(primary)).toEqual(NODES.filter((node) => node !== primary)), WAIT);
    await vi.waitFor(async () => expect(await query(fenced, "select name from item where name = 'before-restart'")).toHaveLength(1), WAIT);
    // The cluster takes writes on its primary, and they reach the cloned node.
    await query(primary, "insert into item (name) values ('after-restart')");
    await vi.waitFor(async () => expect(await query(fenced, "select name from item where name = 'after-restart'")).toHaveLength(1), WAIT);
  }, 120_000);

  it('a restart clones again a node that looks like a replica but cannot follow the new primary', async () => {
    // The fenced primary wrote WAL after the promotion (at least its shutdown checkpoint): as a
    // replica it cannot follow the promoted node's timeline. standby.signal makes it look like one.
    const { fenced, primary } = await failOverToTheOtherReplica();
    await query(primary, "insert into item (name) values ('before-second-restart')");
    await handle!.stop();
    handle = undefined;
    writeFileSync(join(workDir, 'data', CLUSTER, fenced, 'standby.signal'), '');

    lines = [];
    handle = await up({ wipe: false, provider: 'embedded', servicesToo: false, log });
    expect(lines.join('\n')).toContain(`${CLUSTER}/${fenced} does not follow ${primary}: cloning it again from there`);
    expect(await inRecovery(fenced)).toBe(true);
    await vi.waitFor(async () => expect(await streamingFrom(primary)).toEqual(NODES.filter((node) => node !== primary)), WAIT);
    await vi.waitFor(
      async () => expect(await query(fenced, "select name from item where name = 'before-second-restart'")).toHaveLength(1),
      WAIT,
    );
  }, 120_000);
});
