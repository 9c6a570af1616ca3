// A warm and a cold service move out of the monolith and back under load, two instances each,
// their flags followed from one flags file (each instance watches it):
// - notification: the delivery workers of both instances run against a real HTTP receiver while
//   messages are enqueued; every message is delivered exactly once across every step, though its
//   claim and outcome rows move between the sides;
// - analytics: events land in daily partitions on both sides, their rollups stay equal on both
//   sides (verify after each step), and a retention run in the middle drops a day on both sides.
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { loadTopology, locateTopologyFile, type Topology } from '@neo/data';
import {
  copyService,
  FileFlagWriter,
  moveWrites,
  rollbackService,
  switchReads,
  verifyService,
  type CutoverContext,
} from '@neo/data/cutover';
import { migrateFleet } from '@neo/data/migrations';
import { startTopology, type RunningTopology } from '@neo/topology-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyticsApp } from '../../apps/analytics/src/create-analytics-app.js';
import { EventPartitions } from '../../apps/analytics/src/partitions/event-partitions.js';
import { createNotificationApp } from '../../apps/notification/src/create-notification-app.js';
import { HttpLoad, timedStep, writeRedirects, type WriteAndRead } from './support/http-load.js';
import { countIdsOnSide, missingAndDoubled, type SideName } from './support/side-rows.js';

const INSTANCES = 2;
const DAY_MS = 24 * 60 * 60 * 1000;

let running: RunningTopology;
let dir: string;
let flagsFile: string;
let context: CutoverContext;
const apps: INestApplication[] = [];

beforeAll(async () => {
  const declared: Topology = structuredClone(loadTopology({ path: locateTopologyFile() }));
  for (const cluster of Object.values(declared.clusters)) cluster.replicas = [];
  const services = ['notification', 'analytics'];
  const clusters = [declared.monolith.cluster, ...services.map((service) => declared.services[service]!.cluster)];
  running = await startTopology(declared, { provider: 'embedded', clusters });
  await migrateFleet({ topology: running.topology, services, prismaRoot: prismaRoot(), monolith: true });
  dir = await mkdtemp(join(tmpdir(), 'neo-cutover-warm-cold-'));
  flagsFile = join(dir, 'flags.yaml');
  await writeFile(flagsFile, 'version: 1\nflags: {}\n');
  context = {
    topology: running.topology,
    admin: (cluster) => running.admin[cluster]!,
    flags: new FileFlagWriter({ path: flagsFile }),
    prismaRoot: prismaRoot(),
    log: (line) => console.log(`  [cutover] ${line}`),
  };
}, 300_000);

afterAll(async () => {
  await Promise.allSettled(apps.map((app) => app.close()));
  await running?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 120_000);

describe('a warm and a cold service move out of the monolith and back under load', () => {
  it('notification: every message enqueued during the cutover is delivered exactly once', async () => {
    const receiver = await startReceiver();
    try {
      const urls = await startInstances((topology) =>
        createNotificationApp(
          { topology, flags: { provider: 'file', path: flagsFile }, worker: { pollIntervalMs: 50, backoff: { baseMs: 50, maxMs: 500 } } },
          { logger: false },
        ),
      );
      const load = new HttpLoad(urls, messageWrite(receiver.url));
      const check = (side: SideName, step: string) =>
        checkExactlyOnce('notification', 'messages', load, [...load.acknowledged], side, step);
      await runCutover('notification', urls, load, check);

      // Every acknowledged message reaches the receiver, and none twice.
      const ids = [...load.acknowledged];
      await until(
        () => ids.every((id) => receiver.deliveries.has(id)),
        60_000,
        () => `${ids.filter((id) => !receiver.deliveries.has(id)).length} messages not delivered`,
      );
      await sleep(1_000); // a second delivery, if any, would arrive now
      const twice = ids.filter((id) => receiver.deliveries.get(id)! > 1);
      const unknown = [...receiver.deliveries.keys()].filter((id) => !load.acknowledged.has(id));
      console.log(
        `notification: ${ids.length} messages enqueued, ${receiver.deliveries.size} delivered, ${twice.length} twice, ${unknown.length} unknown`,
      );
      expect({ twice, unknown }).toEqual({ twice: [], unknown: [] });
    } finally {
      await closeInstances();
      await receiver.close();
    }
  }, 600_000);

  it('analytics: events in daily partitions, rollups and a retention run stay equal on both sides', async () => {
    // The instances' clock: moved two days on in the middle of the cutover, so the retention drops a day.
    let clockOffsetMs = 0;
    const clock = () => new Date(Date.now() + clockOffsetMs);
    const retention = { retentionDays: 3, interval: 'day' as const, partitionsAhead: 2, maintenanceIntervalMs: 3_600_000 };
    const urls = await startInstances((topology) =>
      createAnalyticsApp({ topology, flags: { provider: 'file', path: flagsFile }, retention, clock }, { logger: false }),
    );
    try {
      // Events of a day the retention run will drop, written before the cutover.
      const old = Array.from({ length: 5 }, () => ({ ...analyticsEvent(new Date(clock().getTime() - 2.5 * DAY_MS)) }));
      const written = await fetch(`${urls[0]}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ events: old }),
      });
      expect(written.status).toBe(201);

      // Every event of every acknowledged batch: today's and yesterday's, in two daily partitions.
      const acknowledgedEvents = new Set<string>();
      const load = new HttpLoad(urls, eventWrite(clock, acknowledgedEvents));
      const check = (side: SideName, step: string) => checkExactlyOnce('analytics', 'events', load, [...acknowledgedEvents], side, step);
      await runCutover('analytics', urls, load, check, async () => {
        clockOffsetMs = 2 * DAY_MS;
        await timedStep('analytics', 'retention run', load, () => apps[0]!.get(EventPartitions).maintain());
        for (const side of ['monolith', 'service'] as const) {
          const left = await countIdsOnSide({ ...sideQuery('analytics', 'events', side), ids: old.map((event) => event.id) });
          expect({ side, left: left.size }).toEqual({ side, left: 0 });
        }
      });
    } finally {
      await closeInstances();
    }
  }, 600_000);
});

/**
 * copy → verify → switch-reads 100 → switch-writes → rollback → switch-writes again under
 * `load`; `check` after each step, verify after each step that replicates; `midway` runs between
 * switch-writes and rollback.
 */
async function runCutover(
  service: string,
  urls: readonly string[],
  load: HttpLoad,
  check: (side: SideName, step: string) => Promise<void>,
  midway?: () => Promise<void>,
): Promise<void> {
  const verified = async (step: string) => {
    const report = await verifyService(context, service);
    expect({ step, differences: report.differences }).toEqual({ step, differences: [] });
  };
  load.start();
  try {
    await sleep(500);
    await timedStep(service, 'copy', load, () => copyService(context, service));
    await check('monolith', 'copy');
    await timedStep(service, 'verify', load, () => verified('copy'));
    await timedStep(service, 'switch-reads 100', load, () => switchReads(context, service, 100));
    await sleep(500);
    await check('monolith', 'switch-reads');
    await timedStep(service, 'switch-writes', load, () => moveWrites(context, service, 'service'));
    await sleep(500);
    await check('service', 'switch-writes');
    await verified('switch-writes');
    await midway?.();
    await verified('midway');
    await timedStep(service, 'rollback', load, () => rollbackService(context, service));
    await sleep(500);
    await check('monolith', 'rollback');
    await verified('rollback');
    await switchReads(context, service, 100);
    await timedStep(service, 'switch-writes again', load, () => moveWrites(context, service, 'service'));
    await sleep(500);
  } finally {
    await load.stop();
  }
  await check('service', 'switch-writes again');
  await verified('switch-writes again');
  console.log(
    `${service} load: ${load.acknowledged.size} writes and ${load.reads} reads acknowledged, ${load.failures.length} failed; writes retried after a guard redirect (requests and workers): ${await writeRedirects(urls)}`,
  );
}

function sideQuery(service: string, table: string, side: SideName) {
  return { topology: running.topology, admin: (cluster: string) => running.admin[cluster]!, service, table, side };
}

/** Every acknowledged write is on the side of record exactly once, and no request failed. */
async function checkExactlyOnce(
  service: string,
  table: string,
  load: HttpLoad,
  ids: readonly string[],
  side: SideName,
  step: string,
): Promise<void> {
  const { missing, doubled } = await missingAndDoubled({ ...sideQuery(service, table, side), ids });
  console.log(
    `${service} ${step}: ${ids.length} acknowledged writes on the ${side} side: ${missing.length} missing, ${doubled.length} doubled; ${load.failures.length} failed requests`,
  );
  expect({ step, missing, doubled, failures: load.failures }).toEqual({ step, missing: [], doubled: [], failures: [] });
}

async function startInstances(create: (topology: Topology) => Promise<INestApplication>): Promise<string[]> {
  const urls: string[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    const app = await create(running.topology);
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    urls.push(await app.getUrl());
  }
  return urls;
}

async function closeInstances(): Promise<void> {
  await Promise.allSettled(apps.splice(0).map((app) => app.close()));
}

/** Notification: enqueue a message to the receiver, then read it back. */
function messageWrite(recipient: string): WriteAndRead {
  return async (url, user) => {
    const headers = { 'content-type': 'application/json', 'x-user-id': String(user) };
    const startedAt = performance.now();
    const sent = await fetch(`${url}/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ recipient, topic: 'transfer.completed', payload: { user } }),
    });
    if (sent.status !== 201) return { failure: `POST /messages ${sent.status}: ${(await sent.text()).slice(0, 300)}` };
    const { id } = (await sent.json()) as { id: string };
    const writeMs = performance.now() - startedAt;
    const read = await fetch(`${url}/messages/${id}`, { headers });
    if (read.status !== 200) return { failure: `GET /messages/${id} ${read.status}: ${(await read.text()).slice(0, 300)}` };
    await read.body?.cancel().catch(() => undefined);
    return { id, writeMs };
  };
}

function analyticsEvent(at: Date) {
  return { id: randomUUID(), name: 'wallet.opened', userId: 'alice', value: 1.5, properties: { app: 'e2e' }, occurredAt: at.toISOString() };
}

/** Analytics: an event of now and one of yesterday (two daily partitions), then the day's rollups. */
function eventWrite(clock: () => Date, acknowledged: Set<string>): WriteAndRead {
  return async (url, user) => {
    const headers = { 'content-type': 'application/json', 'x-user-id': String(user) };
    const now = clock().getTime();
    const today = analyticsEvent(new Date(now - 60_000));
    // A minute inside the day before: when the instances' clock moves two days on while this request
    // is under way, it is still inside the three days kept (exactly a day back would fall out by ms).
    const yesterday = analyticsEvent(new Date(now - DAY_MS + 60_000));
    const startedAt = performance.now();
    const written = await fetch(`${url}/events`, { method: 'POST', headers, body: JSON.stringify({ events: [today, yesterday] }) });
    if (written.status !== 201) return { failure: `POST /events ${written.status}: ${(await written.text()).slice(0, 300)}` };
    const writeMs = performance.now() - startedAt;
    acknowledged.add(today.id).add(yesterday.id);
    const query = new URLSearchParams({
      name: 'wallet.opened',
      bucket: 'day',
      from: new Date(now - 3 * DAY_MS).toISOString(),
      to: new Date(now + DAY_MS).toISOString(),
    });
    const read = await fetch(`${url}/rollups?${query}`, { headers });
    if (read.status !== 200) return { failure: `GET /rollups ${read.status}: ${(await read.text()).slice(0, 300)}` };
    await read.body?.cancel().catch(() => undefined);
    return { id: today.id, writeMs };
  };
}

/** A webhook receiver that counts the deliveries of each message (its Idempotency-Key). */
async function startReceiver(): Promise<{ url: string; deliveries: Map<string, number>; close(): Promise<void> }> {
  const deliveries = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const id = String(request.headers['idempotency-key'] ?? '');
    request.resume();
    request.on('end', () => {
      deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/hooks/neo`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${describe()}`);
    await sleep(100);
  }
}

function prismaRoot(): string {
  return new URL('../../prisma', import.meta.url).pathname;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
