// The whole move of services out of the monolith and back, end to end: two instances
// each of the storage (range-sharded) and smart-contracts (hash-sharded) services in this process
// switch sides by flags from a real unleash-server while a steady read/write load runs against
// them over HTTP, and the operator steps run in between.
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  copyService,
  moveWrites,
  rollbackService,
  switchReads,
  UnleashFlagWriter,
  verifyService,
  type CutoverContext,
} from '@neo/data/cutover';
import { DATA_SOURCE } from '@neo/data/nest';
import {
  isSideSwitching,
  loadTopology,
  locateTopologyFile,
  type DataSource,
  type SidePlacement,
  type SideSwitchingDataSource,
  type Topology,
} from '@neo/data';
import { migrateFleet } from '@neo/data/migrations';
import { startTopology, startUnleashServer, type RunningTopology, type RunningUnleashServer } from '@neo/topology-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmartContractsApp } from '../../apps/smart-contracts/src/create-smart-contracts-app.js';
import { createStorageApp } from '../../apps/storage/src/create-storage-app.js';
import { afterFlagChange } from './support/after-flag-change.js';
import { HttpLoad, timedStep, writeRedirects, type WriteAndRead } from './support/http-load.js';
import { missingAndDoubled, type SideName } from './support/side-rows.js';
import { transactionWrite } from './support/smart-contracts-load.js';
import { withEnv } from './support/with-env.js';

const INSTANCES = 2;
const USERS = 40;

/** One service under test: its instances, the table whose rows the load writes, and its load. */
interface ServiceUnderTest {
  readonly service: string;
  /** The table the exactly-once check reads: in the service's monolith schema, and in `public` on its own databases. */
  readonly table: string;
  readonly apps: INestApplication[];
  readonly urls: string[];
  load: HttpLoad;
}

let running: RunningTopology;
let unleash: RunningUnleashServer;
let context: CutoverContext;
/** When each flag change was accepted by Unleash's admin API. */
const flagChangesAt: number[] = [];
const services: ServiceUnderTest[] = [
  { service: 'storage', table: 'storage_objects', apps: [], urls: [], load: undefined as unknown as HttpLoad },
  { service: 'smartcontracts', table: 'transactions', apps: [], urls: [], load: undefined as unknown as HttpLoad },
];
const allApps = (): INestApplication[] => services.flatMap((s) => s.apps);

beforeAll(async () => {
  const declared: Topology = structuredClone(loadTopology({ path: locateTopologyFile() }));
  for (const cluster of Object.values(declared.clusters)) cluster.replicas = [];
  const clusters = [declared.monolith.cluster, ...services.map((s) => declared.services[s.service]!.cluster)];
  running = await startTopology(declared, { provider: 'embedded', clusters });
  // Before any cutover the service lives in its schema in the monolith.
  await migrateFleet({ topology: running.topology, services: services.map((s) => s.service), prismaRoot: prismaRoot(), monolith: true });

  unleash = await startUnleashServer({
    databaseUrl: superuserUrl(running.topology.monolith.cluster),
    databaseTls: running.admin[running.topology.monolith.cluster]!.tls,
  });
  for (const { service } of services) {
    await unleash.createFlag(`UseShardedDatabase.${service}.reads`);
    await unleash.createFlag(`UseShardedDatabase.${service}.writes`);
  }
  const writer = new UnleashFlagWriter({ url: `http://127.0.0.1:${unleash.port}`, adminToken: unleash.adminToken });
  context = {
    topology: running.topology,
    admin: (cluster) => running.admin[cluster]!,
    // The steps' flag writes, timed: the propagation is measured from the moment Unleash took the change.
    flags: afterFlagChange(writer, () => {
      flagChangesAt.push(performance.now());
    }),
    prismaRoot: prismaRoot(),
    log: (line) => console.log(`  [cutover] ${line}`),
  };

  const flags = { provider: 'unleash', url: unleash.url, clientToken: unleash.clientToken, refreshIntervalMs: 200 } as const;
  const [storage, smartContracts] = services as [ServiceUnderTest, ServiceUnderTest];
  for (let i = 0; i < INSTANCES; i++) {
    storage.apps.push(await createStorageApp({ topology: running.topology, flags }, { logger: false }));
    // The smart-contracts service takes its flags from the environment (NEO_FLAGS), as under `neo-db up`.
    smartContracts.apps.push(
      await withEnv({ NEO_FLAGS: 'unleash', NEO_UNLEASH_URL: unleash.url, NEO_UNLEASH_TOKEN: unleash.clientToken }, () =>
        createSmartContractsApp({ topology: running.topology }, { logger: false }),
      ),
    );
  }
  for (const target of services) {
    for (const app of target.apps) {
      await app.listen(0, '127.0.0.1');
      target.urls.push(await app.getUrl());
    }
  }
  storage.load = new HttpLoad(storage.urls, storageWrite, { users: USERS });
  smartContracts.load = new HttpLoad(smartContracts.urls, await transactionWrite(smartContracts.urls[0]!), { users: USERS });
}, 300_000);

afterAll(async () => {
  // A failed step leaves the load running: stop it first, or closing the services waits on it.
  await Promise.allSettled(services.map((target) => target.load?.stop()));
  await Promise.allSettled(allApps().map((app) => app.close()));
  await unleash?.stop();
  await running?.stop();
}, 120_000);

describe('services move out of the monolith and back, flags from Unleash, under load', () => {
  it('copy → verify → reads 10 % → 100 % → switch writes → rollback → switch writes, with no failed request and every write once', async () => {
    for (const target of services) target.load.start();
    await sleep(1_000);

    for (const target of services) {
      await copyService(context, target.service);
      await checkWrites(target, 'monolith', 'after copy');
      expect((await verifyService(context, target.service)).ok).toBe(true);
    }

    for (const { service } of services) await switchReads(context, service, 10);
    await untilActing((source) => someUsersReadFromService(source));
    console.log(`reads 10 %: flag change → every instance acting on it: ${msSinceFlagChange()} ms`);
    for (const { service } of services) await switchReads(context, service, 100);
    await untilPlaced((p) => p.reads === 'service');
    console.log(`reads 100 %: flag change → every instance acting on it: ${msSinceFlagChange()} ms`);
    await sleep(500);
    for (const target of services) await checkWrites(target, 'monolith', 'reads on the service');

    // The flag server dies mid-load: the instances keep their last known values and keep serving.
    await unleash.kill();
    console.log(
      `flag server killed: every instance reports last-known after ${await untilActing((source) => source.flagStatus().source === 'last-known')} ms`,
    );
    await sleep(1_000);
    for (const source of sources()) expect(source.placement()).toMatchObject({ reads: 'service', writes: 'monolith' });
    const health = (await (await fetch(`${services[0]!.urls[0]}/health`)).json()) as {
      details: { database: { flags: { source: string } } };
    };
    expect(health.details.database.flags.source).toBe('last-known');
    for (const target of services) expect(target.load.failures).toEqual([]);
    await unleash.restart();
    console.log(
      `flag server restarted: every instance live again after ${await untilActing((source) => source.flagStatus().source === 'live')} ms`,
    );
    for (const target of services) await checkWrites(target, 'monolith', 'flag server outage');

    for (const target of services) {
      const acted = whenPlaced((p) => p.writes === 'service', target.service);
      acted.catch(() => undefined); // awaited below; this only keeps a failed step from reporting it twice
      await timed(target, 'switch-writes', () => moveWrites(context, target.service, 'service'));
      console.log(`${target.service} writes → service: flag change → every instance acting on it: ${msFromFlagChangeTo(await acted)} ms`);
      await checkWrites(target, 'service', 'switch-writes');
    }
    for (const target of services) {
      await timed(target, 'rollback', () => rollbackService(context, target.service));
      await untilPlaced((p) => p.writes === 'monolith' && p.reads === 'by-user', target.service);
      await checkWrites(target, 'monolith', 'rollback');
    }
    for (const target of services) {
      await switchReads(context, target.service, 100);
      await untilPlaced((p) => p.reads === 'service', target.service);
      await timed(target, 'switch-writes again', () => moveWrites(context, target.service, 'service'));
      await untilPlaced((p) => p.writes === 'service', target.service);
    }
    await sleep(500);
    for (const target of services) {
      await target.load.stop();
      await checkWrites(target, 'service', 'switch-writes again');
      expect((await verifyService(context, target.service)).ok).toBe(true);
      console.log(
        `${target.service} load: ${target.load.acknowledged.size} writes and ${target.load.reads} reads acknowledged, ${target.load.failures.length} failed; writes retried after a guard redirect: ${await writeRedirects(target.urls)}`,
      );
      expect(target.load.failures).toEqual([]);
    }
    const metrics = await (await fetch(`${services[0]!.urls[0]}/metrics`)).text();
    expect(metrics).toContain('neo_flags_source{provider="unleash",source="live"');
    expect(metrics).toMatch(/neo_data_side_decisions_total\{[^}]*side="service"/);
  }, 900_000);
});

function sources(service?: string): SideSwitchingDataSource[] {
  return services
    .filter((target) => service === undefined || target.service === service)
    .flatMap((target) => target.apps)
    .map((app) => {
      const source = app.get<DataSource>(DATA_SOURCE, { strict: false });
      if (!isSideSwitching(source)) throw new Error('the storage service was started without flags');
      return source;
    });
}

type SwitchingSource = ReturnType<typeof sources>[number];

function msSinceFlagChange(): number {
  return msFromFlagChangeTo(performance.now());
}

/** From the last flag change before `moment` (a step may write the same value again later) to `moment`. */
function msFromFlagChangeTo(moment: number): number {
  const before = flagChangesAt.filter((at) => at <= moment);
  return Math.round(moment - (before.at(-1) ?? moment));
}

/** Resolves with the moment every instance's placement satisfies `wanted` (watched every 5 ms, while a step runs). */
async function whenPlaced(wanted: (placement: SidePlacement) => boolean, service: string): Promise<number> {
  const deadline = Date.now() + 120_000;
  while (!sources(service).every((source) => wanted(source.placement()))) {
    if (Date.now() > deadline) throw new Error(`${service}: placement not reached within 120 s`);
    await sleep(5);
  }
  return performance.now();
}

/** Milliseconds until every instance's placement satisfies `wanted` (a flag change reached them all). */
function untilPlaced(wanted: (placement: SidePlacement) => boolean, service?: string): Promise<number> {
  return untilActing((source) => wanted(source.placement()), service);
}

async function untilActing(wanted: (source: SwitchingSource) => boolean, service?: string): Promise<number> {
  const started = performance.now();
  await until(() => sources(service).every(wanted), 20_000);
  return Math.round(performance.now() - started);
}

/** Whether the reads rollout sends some of the load's users to the service (0 % sends none). */
function someUsersReadFromService(source: SwitchingSource): boolean {
  return Array.from({ length: USERS }, (_, n) => String(n)).some(
    (userId) => source.selector.decide(source.service, 'read', { userId, requestId: 'probe' }).side === 'service',
  );
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

function timed(target: ServiceUnderTest, label: string, step: () => Promise<unknown>): Promise<void> {
  return timedStep(target.service, label, target.load, step);
}

/** Every acknowledged write is on the side of record exactly once (and no request failed). */
async function checkWrites(target: ServiceUnderTest, side: SideName, step: string): Promise<void> {
  const { load } = target;
  const ids = [...load.acknowledged];
  const { missing, doubled } = await missingAndDoubled({
    topology: running.topology,
    admin: (cluster) => running.admin[cluster]!,
    service: target.service,
    table: target.table,
    side,
    ids,
  });
  console.log(
    `${target.service} ${step}: ${ids.length} acknowledged writes on the ${side} side: ${missing.length} missing, ${doubled.length} doubled; ${load.failures.length} failed requests`,
  );
  expect({ step, missing, doubled, failures: load.failures }).toEqual({ step, missing: [], doubled: [], failures: [] });
}

/** Storage: create an object, then list the owner's objects. */
const storageWrite: WriteAndRead = async (url, user) => {
  const owner = `user-${user}`;
  const headers = { 'content-type': 'application/json', 'x-user-id': String(user) };
  const startedAt = performance.now();
  const created = await fetch(`${url}/objects`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ key: randomUUID(), owner, size: 1, contentHash: 'a'.repeat(64) }),
  });
  if (created.status !== 201) return { failure: `POST /objects ${created.status}: ${(await created.text()).slice(0, 300)}` };
  const { id } = (await created.json()) as { id: string };
  const writeMs = performance.now() - startedAt;
  const list = await fetch(`${url}/objects?owner=${encodeURIComponent(owner)}`, { headers });
  if (list.status !== 200) return { failure: `GET /objects ${list.status}: ${(await list.text()).slice(0, 300)}` };
  await list.body?.cancel().catch(() => undefined);
  return { id, writeMs };
};

function prismaRoot(): string {
  return new URL('../../prisma', import.meta.url).pathname;
}

function superuserUrl(cluster: string): string {
  const primary = running.topology.clusters[cluster]!.primary;
  const admin = running.admin[cluster]!;
  const url = new URL(`postgresql://${primary.host}:${primary.port}/postgres`);
  url.username = admin.user;
  if (admin.password) url.password = admin.password;
  return url.toString();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
