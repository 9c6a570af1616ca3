// Every service the topology declares with an app goes through the whole cutover and back:
// copy → verify → switch-reads 100 → switch-writes → rollback → switch-writes again, with rows
// written through the service's own HTTP API before each step. After each step every row the
// side of record held before it is there exactly once, and verify passes. The list of services
// comes from the topology, so a new service is covered as soon as it has an app and an HTTP table.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { isSideSwitching, loadTopology, locateTopologyFile, type DataSource, type SidePlacement, type Topology } from '@neo/data';
import {
  copyService,
  FileFlagWriter,
  loadCutoverPlan,
  moveWrites,
  qualified,
  rollbackService,
  switchReads,
  verifyService,
  type CutoverContext,
  type CutoverPlan,
} from '@neo/data/cutover';
import { FileFlagProvider } from '@neo/data/flags';
import { migrateFleet } from '@neo/data/migrations';
import { DATA_SOURCE } from '@neo/data/nest';
import type { ServiceHttpTable } from '@neo/service-testing';
import { startTopology, type RunningTopology } from '@neo/topology-runtime';
import { pgClientConfig } from '@neo/topology';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterFlagChange } from './support/after-flag-change.js';
import { localServices } from '../../apps/neo-db/src/local-services.js';

type Side = 'monolith' | 'service';

const workspaceRoot = new URL('../../', import.meta.url).pathname;
const declared: Topology = loadTopology({ path: locateTopologyFile() });
/** Every topology service that has an app, with the module of its shared HTTP table. */
const covered = Object.keys(declared.services).flatMap((service) => {
  const local = localServices.find((entry) => entry.topologyService === service);
  return local ? [{ service, tableModule: join(workspaceRoot, `apps/${local.app}/src/test-support/${local.app}-http-table.ts`) }] : [];
});

let running: RunningTopology;
let flagsDir: string;
let flags: FileFlagProvider;
let context: CutoverContext;

beforeAll(async () => {
  const topology = structuredClone(declared);
  for (const cluster of Object.values(topology.clusters)) cluster.replicas = [];
  const clusters = [...new Set([topology.monolith.cluster, ...covered.map(({ service }) => topology.services[service]!.cluster)])];
  running = await startTopology(topology, { provider: 'embedded', clusters });
  await migrateFleet({
    topology: running.topology,
    services: covered.map(({ service }) => service),
    prismaRoot: prismaRoot(),
    monolith: true,
  });
  flagsDir = await mkdtemp(join(tmpdir(), 'neo-cutover-every-'));
  const flagsFile = join(flagsDir, 'flags.yaml');
  await writeFile(flagsFile, 'version: 1\nflags: {}\n');
  // One flags file for every service: the steps write it, the services' provider rereads it at once.
  flags = await FileFlagProvider.open({ path: flagsFile, watch: false, pollIntervalMs: 0 });
  const writer = new FileFlagWriter({ path: flagsFile });
  context = {
    topology: running.topology,
    admin: (cluster) => running.admin[cluster]!,
    flags: afterFlagChange(writer, () => flags.reload()),
    prismaRoot: prismaRoot(),
  };
}, 300_000);

afterAll(async () => {
  await flags?.close();
  await running?.stop();
  if (flagsDir) await rm(flagsDir, { recursive: true, force: true });
}, 120_000);

describe('every service with an app moves out of the monolith, back, and out again', () => {
  it('covers every service the topology declares with an app', () => {
    expect(covered.length).toBeGreaterThan(0);
    const withoutTable = covered.filter(({ tableModule }) => !existsSync(tableModule)).map(({ service }) => service);
    expect(withoutTable, 'these services need an HTTP table (apps/<app>/src/test-support/<app>-http-table.ts)').toEqual([]);
  });

  for (const { service, tableModule } of covered) {
    it(`${service}: copy, verify, switch-reads, switch-writes, rollback, switch-writes`, async () => {
      const { httpTable } = (await import(tableModule)) as { httpTable: ServiceHttpTable<unknown> };
      const app = await httpTable.createApp({ topology: running.topology, flags: { instance: flags } });
      await app.init();
      try {
        const http = request.agent(app.getHttpServer()).set('x-user-id', `cutover-${randomUUID()}`);
        const plan = await loadCutoverPlan(context, service);
        const source = dataSourceOf(app);
        const write = () => httpTable.mainWriteAndRead(http);
        const timings: string[] = [];

        /** Writes through the API on `before`, runs the step, and checks the rows on `after`. */
        const step = async (label: string, before: Side, after: Side, run: () => Promise<unknown>, wanted: Partial<SidePlacement>) => {
          await write();
          const rows = await rowKeys(plan, before);
          const started = performance.now();
          await run();
          timings.push(`${label} ${Math.round(performance.now() - started)} ms`);
          expect(source.placement(), `${service} after ${label}`).toMatchObject(wanted);
          await expectExactlyOnce(plan, after, rows, label);
          if (label !== 'copy') expect((await verifyService(context, service)).differences, `verify after ${label}`).toEqual([]);
        };

        await step('copy', 'monolith', 'monolith', () => copyService(context, service), { writes: 'monolith' });
        await step('verify', 'monolith', 'service', () => verifyOk(service), { writes: 'monolith' });
        await step('switch-reads 100', 'monolith', 'monolith', () => switchReads(context, service, 100), { reads: 'service' });
        await step('switch-writes', 'monolith', 'service', () => moveWrites(context, service, 'service'), { writes: 'service' });
        await step('rollback', 'service', 'monolith', () => rollbackService(context, service), { writes: 'monolith' });
        await switchReads(context, service, 100);
        await step('switch-writes again', 'monolith', 'service', () => moveWrites(context, service, 'service'), { writes: 'service' });
        await write();
        console.log(`${service}: ${timings.join(', ')}`);
      } finally {
        await app.close();
      }
    }, 300_000);
  }
});

async function verifyOk(service: string): Promise<void> {
  const report = await verifyService(context, service);
  expect(report.differences).toEqual([]);
}

function dataSourceOf(app: INestApplication) {
  const source = app.get<DataSource>(DATA_SOURCE, { strict: false });
  if (!isSideSwitching(source)) throw new Error('the service was started without flags');
  return source;
}

/** Per table, the primary keys of its rows on `side` (each row once: a reference table is read on one shard). */
async function rowKeys(plan: CutoverPlan, side: Side): Promise<Map<string, string[]>> {
  const keys = new Map<string, string[]>();
  const places =
    side === 'monolith'
      ? [{ node: plan.monolith, schema: plan.monolith.schema, tables: plan.tables.map((table) => table.table) }]
      : plan.targets.map((target) => ({ node: target.node, schema: 'public', tables: target.reverseTables }));
  for (const { node, schema, tables } of places) {
    const admin = running.admin[node.cluster]!;
    const client = new pg.Client(pgClientConfig({ host: node.host, port: node.port, ...admin, database: node.database, tls: node.tls }));
    await client.connect();
    try {
      for (const table of tables) {
        // The whole row as the key: two copies of a row are two entries, whatever the primary key.
        const { rows } = await client.query<{ key: string }>(`SELECT t::text AS key FROM ${qualified(schema, table)} t`);
        keys.set(table, [...(keys.get(table) ?? []), ...rows.map((row) => row.key)]);
      }
    } finally {
      await client.end();
    }
  }
  return keys;
}

/** Every row of `before` is on `side` exactly once. */
async function expectExactlyOnce(plan: CutoverPlan, side: Side, before: Map<string, string[]>, step: string): Promise<void> {
  const now = await rowKeys(plan, side);
  for (const [table, rows] of before) {
    const counts = new Map<string, number>();
    for (const row of now.get(table) ?? []) counts.set(row, (counts.get(row) ?? 0) + 1);
    const missing = rows.filter((row) => !counts.has(row));
    const doubled = [...counts].filter(([, n]) => n > 1).map(([row]) => row);
    expect({ step, table, side, missing, doubled }).toEqual({ step, table, side, missing: [], doubled: [] });
  }
}

function prismaRoot(): string {
  return join(workspaceRoot, 'prisma');
}
