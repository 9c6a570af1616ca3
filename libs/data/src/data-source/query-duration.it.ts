// Integration tests need real servers, which only the test-only library starts.
import { startIsolatedTopology } from '@neo/testing';
import { monolithTarget, serviceTargets, topologySchema, type DataNode } from '@neo/topology';
import type { RunningTopology } from '@neo/topology-runtime';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { switchFlag, StaticFlagProvider } from '../flags/static.flag-provider.js';
import { PrismaClient } from '../generated/replica-fixture/client.js';
import { DataMetrics } from '../metrics/data-metrics.js';
import { createSideSwitchingDataSource } from './side-switching.data-source.js';

/*
 * A service on a cluster without replicas, with its schema in the monolith on another cluster
 * without replicas (real embedded servers, the fixture schema of prisma/_fixture_replica): both
 * sides' calls are timed in the one histogram, labelled by node and operation.
 */
const topology = topologySchema.parse({
  version: 1,
  clusters: {
    single: {
      temperature: 'warm',
      credentials: { user: 'neo_single', password: 'single-secret-pw' },
      primary: { name: 'single-primary' },
      replicas: [],
    },
    mono: {
      temperature: 'warm',
      credentials: { user: 'neo_mono', password: 'mono-secret-pw' },
      primary: { name: 'mono-primary' },
      replicas: [],
    },
  },
  services: { fixture: { cluster: 'single', database: 'neo_query_duration_fixture' } },
  monolith: { cluster: 'mono', database: 'neo_service_layer' },
});

const createTable =
  'create table if not exists item (id serial primary key, name text not null, value int not null default 0, created_at timestamp(3) not null default now())';

async function run(node: DataNode, sql: string): Promise<void> {
  const client = new pg.Client({ host: node.host, port: node.port, user: node.user, password: node.password, database: node.database });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

interface Series {
  labels: Record<string, string>;
  value: number;
}

/** The `name` samples of a Prometheus text exposition, with their labels. */
function samples(text: string, name: string): Series[] {
  return [...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))].map((match) => ({
    labels: Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((label) => [label[1]!, label[2]!])),
    value: Number(match[2]),
  }));
}

let running: RunningTopology;

beforeAll(async () => {
  running = await startIsolatedTopology({ topology, clusters: ['single', 'mono'] });
  await run(serviceTargets(running.topology, 'fixture').primary, createTable);
  const monolith = monolithTarget(running.topology, 'fixture');
  await run(monolith, `create schema if not exists fixture; set search_path = fixture; ${createTable}`);
}, 180_000);

afterAll(async () => {
  await running?.stop();
});

describe('query duration on databases without replicas', () => {
  it('times every call on the monolith side and on a single-primary service database, with the same labels as a replica set', async () => {
    const metrics = new DataMetrics({ service: 'fixture' });
    const flags = new StaticFlagProvider();
    const source = createSideSwitchingDataSource({
      service: 'fixture',
      topology: running.topology,
      createClient: (adapter) => new PrismaClient({ adapter }),
      flags,
      metrics,
      readYourWritesMs: 0,
    });
    try {
      // No flag set: everything on the monolith.
      const onMonolith = await source.client.item.create({ data: { name: 'on the monolith' } });
      expect(await source.client.item.findUnique({ where: { id: onMonolith.id } })).toMatchObject({ name: 'on the monolith' });
      await source.client.$transaction(async (tx) => tx.item.count());

      flags.set([switchFlag('UseShardedDatabase.fixture.writes', true), switchFlag('UseShardedDatabase.fixture.reads', true)]);
      const onService = await source.client.item.create({ data: { name: 'on the service' } });
      expect(await source.client.item.findUnique({ where: { id: onService.id } })).toMatchObject({ name: 'on the service' });
      expect(await source.client.item.findMany()).toHaveLength(1);

      const text = await metrics.registry.metrics();
      const counts = samples(text, 'neo_data_query_duration_seconds_count');
      const count = (database: string, operation: string) =>
        counts.find((series) => series.labels['database'] === database && series.labels['operation'] === operation);

      expect(count('neo_service_layer.fixture', 'create')).toMatchObject({
        labels: { service: 'fixture', node: 'mono/mono-primary', role: 'primary', operation: 'create' },
        value: 1,
      });
      expect(count('neo_service_layer.fixture', 'findUnique')?.value).toBe(1);
      expect(count('neo_service_layer.fixture', '$transaction')?.value).toBe(1);
      expect(count('neo_query_duration_fixture', 'create')).toMatchObject({
        labels: { service: 'fixture', node: 'single/single-primary', role: 'primary', operation: 'create' },
        value: 1,
      });
      expect(count('neo_query_duration_fixture', 'findUnique')?.value).toBe(1);
      expect(count('neo_query_duration_fixture', 'findMany')?.value).toBe(1);

      // Each series is a histogram whose +Inf bucket holds every observation and whose sum is a real duration.
      const infinite = samples(text, 'neo_data_query_duration_seconds_bucket').filter((series) => series.labels['le'] === '+Inf');
      for (const series of counts) {
        const matching = infinite.find((bucket) =>
          ['database', 'node', 'operation'].every((label) => bucket.labels[label] === series.labels[label]),
        );
        expect(matching?.value).toBe(series.value);
      }
      for (const sum of samples(text, 'neo_data_query_duration_seconds_sum')) expect(sum.value).toBeGreaterThan(0);
      // Only topology names in the labels: no password, no host or port.
      for (const secret of ['single-secret-pw', 'mono-secret-pw', String(serviceTargets(running.topology, 'fixture').primary.port)]) {
        expect(text).not.toContain(secret);
      }
    } finally {
      await source.close();
      await flags.close();
    }
  });
});
