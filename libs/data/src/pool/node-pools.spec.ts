import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DataError, type DataNode } from '@neo/topology';
import { createDataMetrics } from '../metrics/index.js';
import { NodePools } from './node-pools.js';

const primary: DataNode = {
  cluster: 'core',
  node: 'core-primary',
  role: 'primary',
  host: '127.0.0.1',
  port: 5432,
  database: 'neo_storage',
  user: 'storage',
  password: 's3cret',
  pool: { max: 7, min: 0, idleTimeoutMs: 1_000, connectionTimeoutMs: 1_000 },
  weight: 1,
};

/** Records the configs it is given and how often each pool is ended. */
function recordingPools() {
  const configs: pg.PoolConfig[] = [];
  const ended: number[] = [];
  const pools = new NodePools({
    createPool: (config) => {
      const index = configs.push(config) - 1;
      ended[index] = 0;
      return {
        on: () => undefined,
        end: async () => {
          ended[index] = (ended[index] ?? 0) + 1;
        },
      } as unknown as pg.Pool;
    },
  });
  return { pools, configs, ended };
}

describe('NodePools', () => {
  it('keeps one pool per database node, sized from the topology', () => {
    const { pools, configs } = recordingPools();
    expect(pools.poolFor(primary)).toBe(pools.poolFor({ ...primary }));
    expect(pools.size).toBe(1);
    expect(configs[0]).toMatchObject({ host: '127.0.0.1', port: 5432, database: 'neo_storage', max: 7 });
  });

  it('gives another database or schema on the same server its own pool', () => {
    const { pools } = recordingPools();
    const a = pools.poolFor(primary);
    const b = pools.poolFor({ ...primary, database: 'storage_2025' });
    const c = pools.poolFor({ ...primary, database: 'neo_service_layer', schema: 'storage' });
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('ends every pool once, and refuses new pools afterwards', async () => {
    const { pools, ended } = recordingPools();
    pools.poolFor(primary);
    pools.poolFor({ ...primary, node: 'core-replica-1', role: 'replica' });
    await Promise.all([pools.closeAll(), pools.closeAll()]);
    expect(ended).toEqual([1, 1]);
    expect(() => pools.poolFor(primary)).toThrow(DataError);
    expect(() => pools.poolFor(primary)).toThrow(/closed/);
  });

  it('follows every pool it creates in the metrics, labelled by node, until closed', async () => {
    const metrics = createDataMetrics('storage');
    const created: EventEmitter[] = [];
    const pools = new NodePools({
      metrics,
      createPool: () => {
        const pool = Object.assign(new EventEmitter(), { totalCount: 1, idleCount: 1, waitingCount: 0, end: async () => undefined });
        created.push(pool);
        return pool as unknown as pg.Pool;
      },
    });
    pools.poolFor({ ...primary, node: 'core-replica-1', role: 'replica' });
    pools.poolFor({ ...primary, database: 'neo_service_layer', schema: 'storage' });
    for (const pool of created) pool.emit('connect');

    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /neo_data_pool_connections_opened_total\{[^}]*database="neo_storage",node="core\/core-replica-1",role="replica"[^}]*\} 1/,
    );
    expect(text).toMatch(
      /neo_data_pool_connections_opened_total\{[^}]*database="neo_service_layer.storage",node="core\/core-primary"[^}]*\} 1/,
    );
    await pools.closeAll();
    for (const pool of created) expect(pool.listenerCount('connect')).toBe(0);
  });
});
