import { HealthIndicatorService } from '@nestjs/terminus';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { DataNode } from '@neo/topology';
import { DataHealthIndicator } from './data-health.indicator.js';
import type { DataModuleOptions } from './data-module.options.js';
import type { ConnectedNode, DataSource } from '../data-source/index.js';

function connected(name: string, role: DataNode['role'], answers: boolean): ConnectedNode {
  const node = { cluster: 'core', node: name, role, database: 'neo_storage' } as DataNode;
  const refused = Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
  const pool = { query: () => (answers ? Promise.resolve({ rows: [] }) : Promise.reject(refused)) } as unknown as pg.Pool;
  return { node, pool };
}

function indicator(nodes: ConnectedNode[], status?: DataSource['status']): DataHealthIndicator {
  const source: DataSource = {
    service: 'storage',
    client: { $disconnect: async () => undefined },
    nodes,
    ...(status ? { status } : {}),
    ready: async () => undefined,
    close: async () => undefined,
  };
  return new DataHealthIndicator(source, { healthTimeoutMs: 500 } as DataModuleOptions, new HealthIndicatorService());
}

describe('DataHealthIndicator', () => {
  it('is up when every node answers, with one entry per node', async () => {
    const result = await indicator([connected('core-primary', 'primary', true), connected('core-replica-1', 'replica', true)]).isHealthy();
    expect(result.database).toMatchObject({
      status: 'up',
      service: 'storage',
      nodes: {
        'core/core-primary/neo_storage': { role: 'primary', status: 'up' },
        'core/core-replica-1/neo_storage': { role: 'replica', status: 'up' },
      },
    });
  });

  it('is down when no node can serve reads', async () => {
    const result = await indicator([connected('core-primary', 'primary', false)]).isHealthy('db');
    expect(result.db).toMatchObject({
      status: 'down',
      reads: { status: 'down', unavailable: ['core/neo_storage'] },
      writes: { status: 'down' },
      nodes: { 'core/core-primary/neo_storage': { status: 'down', reason: 'ECONNREFUSED', side: 'service', inUse: true } },
    });
  });

  it('is degraded, not down, while the replica serves reads with the primary down', async () => {
    const result = await indicator([connected('core-primary', 'primary', false), connected('core-replica-1', 'replica', true)]).isReady();
    expect(result.database).toEqual({
      status: 'degraded',
      service: 'storage',
      reads: { status: 'up', sides: ['service'], unavailable: [] },
      writes: { status: 'down', side: 'service', unavailable: ['core/core-primary/neo_storage'] },
    });
  });

  it('after a failover, judges writes by the promoted node, shown as the primary', async () => {
    const stats = { reads: 0, writes: 0, errors: 0, connectionErrors: 0 };
    const result = await indicator([connected('core-primary', 'primary', false), connected('core-replica-1', 'replica', true)], () => [
      { label: 'core/core-replica-1/neo_storage', role: 'primary', breaker: 'closed', stats },
      { label: 'core/core-primary/neo_storage', role: 'replica', breaker: 'open', inRotation: false, stats },
    ]).isHealthy();
    expect(result.database).toMatchObject({
      status: 'degraded',
      writes: { status: 'up', side: 'service' },
      nodes: {
        'core/core-replica-1/neo_storage': { role: 'primary', status: 'up' },
        'core/core-primary/neo_storage': { role: 'replica', status: 'down', breaker: 'open' },
      },
    });
  });

  it('is degraded, not down, when only a replica does not answer', async () => {
    const result = await indicator([connected('core-primary', 'primary', true), connected('core-replica-1', 'replica', false)]).isHealthy();
    expect(result.database).toMatchObject({ status: 'degraded', replicasDown: ['core/core-replica-1/neo_storage'] });
  });
});
