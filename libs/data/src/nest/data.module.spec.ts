import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PrismaPg } from '@prisma/adapter-pg';
import { describe, expect, it } from 'vitest';
import { topologySchema, type DataNode, type Topology } from '@neo/topology';
import { DataHealthIndicator } from './data-health.indicator.js';
import type { DataSource } from '../data-source/index.js';
import { DataModule } from './data.module.js';
import type { Cache } from '../cache/index.js';
import type { DataMetrics } from '../metrics/index.js';
import { DATA_CACHE, DATA_METRICS, DATA_SOURCE } from './data.tokens.js';
import { InjectDataClient } from './inject-data-client.decorator.js';

/** Nothing listens on port 1: the module must not connect while it is being built. */
const topology: Topology = topologySchema.parse({
  version: 1,
  clusters: {
    core: {
      temperature: 'hot',
      credentials: { user: 'storage', password: 's3cret' },
      primary: { name: 'core-primary', host: '127.0.0.1', port: 1 },
    },
  },
  services: { storage: { cluster: 'core', database: 'neo_storage' } },
  monolith: { cluster: 'core' },
});

class FakeClient {
  disconnected = 0;
  constructor(
    readonly adapter: PrismaPg,
    readonly node: DataNode,
  ) {}
  async $disconnect(): Promise<void> {
    this.disconnected += 1;
  }
}

@Injectable()
class UsesClient {
  constructor(@InjectDataClient() readonly db: FakeClient) {}
}

@Module({ providers: [UsesClient], exports: [UsesClient] })
class FeatureModule {}

const createClient = (adapter: PrismaPg, node: DataNode) => new FakeClient(adapter, node);

describe('DataModule', () => {
  it('forRoot gives feature modules the client built on the service primary (isGlobal)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DataModule.forRoot({ service: 'storage', topology, createClient, isGlobal: true }), FeatureModule],
    }).compile();
    const { db } = moduleRef.get(UsesClient);
    expect(db).toBeInstanceOf(FakeClient);
    expect(db.adapter).toBeInstanceOf(PrismaPg);
    expect(db.node).toMatchObject({ cluster: 'core', node: 'core-primary', role: 'primary', database: 'neo_storage', port: 1 });
    expect(moduleRef.get(DataHealthIndicator)).toBeInstanceOf(DataHealthIndicator);
    // No cache declared for the service: lookups load every time.
    expect(moduleRef.get<Cache>(DATA_CACHE).kind).toBe('none');
    expect(await moduleRef.get<DataMetrics>(DATA_METRICS).registry.metrics()).toContain('service="storage"');
    await moduleRef.close();
  });

  it('forRootAsync takes its options from a factory', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        DataModule.forRootAsync({
          useFactory: async () => ({ service: 'storage', topology, createClient }),
          isGlobal: true,
        }),
        FeatureModule,
      ],
    }).compile();
    expect(moduleRef.get(UsesClient).db.node.database).toBe('neo_storage');
    await moduleRef.close();
  });

  it('disconnects the client and ends every pool on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [DataModule.forRoot({ service: 'storage', topology, createClient })],
    }).compile();
    const source = moduleRef.get<DataSource<FakeClient>>(DATA_SOURCE);
    const pools = source.nodes.map(({ pool }) => pool);
    expect(pools).toHaveLength(1);

    await moduleRef.close();

    expect(source.client.disconnected).toBe(1);
    for (const pool of pools) expect(pool.ended).toBe(true);
    // Closing twice is harmless (a signal during an explicit close).
    await source.close();
    expect(source.client.disconnected).toBe(1);
  });

  it('refuses a service the topology does not declare', async () => {
    await expect(
      Test.createTestingModule({ imports: [DataModule.forRoot({ service: 'nope', topology, createClient })] }).compile(),
    ).rejects.toThrow(/nope/);
  });
});
