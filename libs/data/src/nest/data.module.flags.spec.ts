import { Test } from '@nestjs/testing';
import type { PrismaPg } from '@prisma/adapter-pg';
import { describe, expect, it } from 'vitest';
import { StaticFlagProvider, rolloutFlag, switchFlag } from '../flags/static.flag-provider.js';
import type { DataMetrics } from '../metrics/index.js';
import { topologySchema, type DataNode, type Topology } from '@neo/topology';
import type { DataSource } from '../data-source/index.js';
import { DataModule } from './data.module.js';
import { DATA_METRICS, DATA_SOURCE } from './data.tokens.js';
import { isSideSwitching } from '../data-source/index.js';

/** Nothing listens on port 1: nothing here may connect. */
const topology: Topology = topologySchema.parse({
  version: 1,
  clusters: {
    core: {
      temperature: 'hot',
      credentials: { user: 'storage', password: 's3cret' },
      primary: { name: 'core-primary', host: '127.0.0.1', port: 1 },
    },
    monolith: {
      temperature: 'warm',
      credentials: { user: 'neo', password: 's3cret' },
      primary: { name: 'monolith-primary', host: '127.0.0.1', port: 1 },
    },
  },
  services: { storage: { cluster: 'core', database: 'neo_storage' } },
  monolith: { cluster: 'monolith' },
});

/** Answers with the node it was built for, so a test sees which side served a call. */
class FakeClient {
  constructor(readonly node: DataNode) {}
  item = {
    create: async () => `${this.node.database}${this.node.schema ? `.${this.node.schema}` : ''}`,
    findMany: async () => this.node.database,
  };
  $disconnect(): Promise<void> {
    return Promise.resolve();
  }
}
const createClient = (_adapter: PrismaPg, node: DataNode) => new FakeClient(node);

async function moduleWith(flags: Parameters<typeof DataModule.forRoot>[0]['flags']) {
  const moduleRef = await Test.createTestingModule({
    imports: [DataModule.forRoot({ service: 'storage', topology, createClient, flags })],
  }).compile();
  return { moduleRef, source: moduleRef.get<DataSource>(DATA_SOURCE), metrics: moduleRef.get<DataMetrics>(DATA_METRICS) };
}

describe('DataModule with flags', () => {
  it('without flags gives the own database only, as before', async () => {
    const { moduleRef, source } = await moduleWith(false);
    expect(isSideSwitching(source)).toBe(false);
    expect(source.nodes.map(({ node }) => node.database)).toEqual(['neo_storage']);
    await moduleRef.close();
  });

  it('with flags connects both sides and sends each call where the flags say, counted in /metrics', async () => {
    const flags = new StaticFlagProvider([
      rolloutFlag('UseShardedDatabase.storage.reads', 0),
      switchFlag('UseShardedDatabase.storage.writes', false),
    ]);
    const { moduleRef, source, metrics } = await moduleWith({ instance: flags });
    if (!isSideSwitching(source)) throw new Error('expected a side-switching source');
    expect(source.nodes.map(({ node }) => `${node.database}${node.schema ? `/${node.schema}` : ''}`)).toEqual([
      'neo_storage',
      'neo_service_layer/storage',
    ]);
    const client = source.client as unknown as FakeClient;

    // A service starts on the monolith: its schema in neo_service_layer, with the same client.
    expect(await client.item.create()).toBe('neo_service_layer.storage');
    expect(source.placement()).toMatchObject({ writes: 'monolith', reads: 'by-user' });

    flags.set([rolloutFlag('UseShardedDatabase.storage.reads', 100), switchFlag('UseShardedDatabase.storage.writes', true)]);
    expect(await client.item.create()).toBe('neo_storage');
    expect(await client.item.findMany()).toBe('neo_storage');
    expect(source.placement()).toMatchObject({ writes: 'service', reads: 'service' });
    expect(source.flagStatus()).toMatchObject({ provider: 'static' });

    const text = await metrics.registry.metrics();
    expect(text).toMatch(/neo_data_side_decisions_total\{[^}]*kind="write"[^}]*side="monolith"[^}]*\} 1/);
    expect(text).toMatch(/neo_data_side_decisions_total\{[^}]*kind="write"[^}]*side="service"[^}]*\} 1/);
    await moduleRef.close();
    // The caller's provider is not closed by the module: it still answers.
    expect(flags.isEnabledForEveryone('UseShardedDatabase.storage.writes')).toBe(true);
  });
});
