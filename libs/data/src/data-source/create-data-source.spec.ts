import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createDataMetrics } from '../metrics/index.js';
import { topologySchema, type Topology } from '@neo/topology';
import { createDataSource } from './create-data-source.js';

/** Nothing listens on port 1: building a source must not need a server. */
function topology(replicas: { name: string; host: string; port: number }[]): Topology {
  return topologySchema.parse({
    version: 1,
    clusters: {
      blockchain: {
        temperature: 'hot',
        credentials: { user: 'oracle', password: 's3cret' },
        primary: { name: 'blockchain-primary', host: '127.0.0.1', port: 1 },
        replicas,
      },
    },
    services: { oracle: { cluster: 'blockchain', database: 'neo_oracle' } },
    monolith: { cluster: 'blockchain' },
  });
}

class FakeClient {
  $disconnect(): Promise<void> {
    return Promise.resolve();
  }
}

describe('createDataSource', () => {
  it('builds a replica set when the cluster has replicas: every node, its pool, routing status, one client', async () => {
    const replicas = [
      { name: 'blockchain-replica-1', host: '127.0.0.1', port: 1 },
      { name: 'blockchain-replica-2', host: '127.0.0.1', port: 1 },
    ];
    const built: string[] = [];
    const source = createDataSource({
      service: 'oracle',
      topology: topology(replicas),
      createClient: (_adapter, node) => {
        built.push(node.node);
        return new FakeClient();
      },
      metrics: createDataMetrics('oracle'),
    });
    try {
      expect(built).toEqual(['blockchain-primary', 'blockchain-replica-1', 'blockchain-replica-2']);
      expect(source.nodes.map(({ node }) => `${node.role}:${node.node}`)).toEqual([
        'primary:blockchain-primary',
        'replica:blockchain-replica-1',
        'replica:blockchain-replica-2',
      ]);
      expect(new Set(source.nodes.map(({ pool }) => pool)).size).toBe(3);
      expect(source.status?.().map((status) => status.role)).toEqual(['primary', 'replica', 'replica']);
      expect(typeof (source.client as unknown as { $primary: unknown }).$primary).toBe('function');
    } finally {
      await source.close();
    }
    for (const { pool } of source.nodes) expect(pool.ended).toBe(true);
  });

  it('builds the primary alone when the cluster has no replicas, routed like any replica set', async () => {
    const source = createDataSource({ service: 'oracle', topology: topology([]), createClient: () => new FakeClient() });
    expect(source.nodes).toHaveLength(1);
    expect(source.status?.().map((status) => `${status.role}:${status.label}`)).toEqual([
      'primary:blockchain/blockchain-primary/neo_oracle',
    ]);
    expect(typeof (source.client as unknown as { $primary: unknown }).$primary).toBe('function');
    await expect(source.ready()).resolves.toBeUndefined();
    await source.close();
  });

  it('takes every pool from one place, so the pool hook and the pool metrics reach replicas too', async () => {
    const replicas = [{ name: 'blockchain-replica-1', host: '127.0.0.1', port: 1 }];
    const hooked: string[] = [];
    const metrics = createDataMetrics('oracle');
    const source = createDataSource({
      service: 'oracle',
      topology: topology(replicas),
      createClient: () => new FakeClient(),
      metrics,
      pools: {
        createPool: (config) => {
          hooked.push(String(config.application_name));
          return new pg.Pool(config);
        },
      },
    });
    try {
      expect(hooked).toEqual(['neo:blockchain-primary', 'neo:blockchain-replica-1']);
      for (const { pool } of source.nodes) pool.emit('connect', {});
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/neo_data_pool_connections_opened_total\{[^}]*node="blockchain\/blockchain-replica-1",role="replica"[^}]*\} 1/);
    } finally {
      await source.close();
    }
  });
});
