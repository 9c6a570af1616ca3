import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DataMetrics, createDataMetrics } from './data-metrics.js';
import { createMetricsRegistry } from './metrics-registry.js';

const primary = { database: 'neo_oracle', node: 'blockchain/blockchain-primary', role: 'primary' } as const;
const replica = { database: 'neo_oracle', node: 'blockchain/blockchain-replica-1', role: 'replica' } as const;

/** The parts of pg.Pool the metrics read: its counts and its connect/acquire events. */
class FakePool extends EventEmitter {
  totalCount = 0;
  idleCount = 0;
  waitingCount = 0;
}

describe('DataMetrics', () => {
  it('labels every series with the service and counts queries and latency per node and operation', async () => {
    const metrics = createDataMetrics('oracle');
    const recorder = metrics.queryRecorder(replica);
    recorder.observe('findUnique', 0.002, 'ok');
    recorder.observe('findUnique', 0.004, 'ok');
    recorder.observe('findMany', 0.1, 'error');
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'neo_data_queries_total{database="neo_oracle",node="blockchain/blockchain-replica-1",role="replica",operation="findUnique",outcome="ok",service="oracle"} 2',
    );
    expect(text).toContain(
      'neo_data_queries_total{database="neo_oracle",node="blockchain/blockchain-replica-1",role="replica",operation="findMany",outcome="error",service="oracle"} 1',
    );
    expect(text).toMatch(/neo_data_query_duration_seconds_count\{[^}]*operation="findUnique"[^}]*\} 2/);
    expect(text).toMatch(/neo_data_query_duration_seconds_sum\{[^}]*operation="findUnique"[^}]*\} 0.006/);
    // Cumulative buckets: 0.002 and 0.004 are both <= 0.005, only 0.002 is <= 0.0025.
    expect(text).toContain(
      'neo_data_query_duration_seconds_bucket{database="neo_oracle",node="blockchain/blockchain-replica-1",role="replica",operation="findUnique",le="0.0025",service="oracle"} 1',
    );
    expect(text).toContain(
      'neo_data_query_duration_seconds_bucket{database="neo_oracle",node="blockchain/blockchain-replica-1",role="replica",operation="findUnique",le="0.005",service="oracle"} 2',
    );
    expect(text).toMatch(/neo_data_query_duration_seconds_bucket\{[^}]*operation="findMany",le="\+Inf"[^}]*\} 1/);
    expect(text).not.toMatch(/neo_data_queries_total\{[^}]*operation="findUnique",outcome="error"/);
    expect(text).toContain('# TYPE neo_data_query_duration_seconds histogram');
  });

  it('counts routing decisions by reason and publishes replica lag', async () => {
    const metrics = createDataMetrics('oracle');
    metrics.recordRouting(primary, 'read_your_writes');
    metrics.recordRouting(primary, 'read_your_writes');
    metrics.recordRouting(replica, 'replica');
    metrics.recordReplicaLag(replica, { bytes: 4096, ms: 250, inRotation: false });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/neo_data_routing_decisions_total\{[^}]*role="primary",reason="read_your_writes"[^}]*\} 2/);
    expect(text).toMatch(/neo_data_replica_lag_bytes\{[^}]*\} 4096/);
    expect(text).toMatch(/neo_data_replica_lag_seconds\{[^}]*\} 0.25/);
    expect(text).toMatch(/neo_data_replica_in_rotation\{[^}]*\} 0/);
  });

  it("counts a node's routing decisions through its recorder into the series recordRouting feeds", async () => {
    const metrics = createDataMetrics('oracle');
    const record = metrics.routingRecorder(replica);
    record('replica');
    record('replica');
    record('breaker_open');
    metrics.recordRouting(replica, 'replica');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/neo_data_routing_decisions_total\{[^}]*node="blockchain\/blockchain-replica-1"[^}]*reason="replica"[^}]*\} 3/);
    expect(text).toMatch(
      /neo_data_routing_decisions_total\{[^}]*node="blockchain\/blockchain-replica-1"[^}]*reason="breaker_open"[^}]*\} 1/,
    );
  });

  it('follows a pool: connections by state, and reuse as 1 - opened / acquisitions', async () => {
    const metrics = createDataMetrics('oracle');
    const pool = new FakePool();
    const stop = metrics.instrumentPool(pool as unknown as pg.Pool, primary);
    pool.emit('connect');
    pool.emit('connect');
    for (let i = 0; i < 10; i++) pool.emit('acquire');
    Object.assign(pool, { totalCount: 2, idleCount: 1, waitingCount: 3 });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/neo_data_pool_connections\{[^}]*state="in_use"[^}]*\} 1/);
    expect(text).toMatch(/neo_data_pool_connections\{[^}]*state="waiting"[^}]*\} 3/);
    expect(text).toMatch(/neo_data_pool_connection_reuse_ratio\{[^}]*\} 0.8/);
    expect(text).toMatch(/neo_data_pool_connections_opened_total\{[^}]*\} 2/);
    expect(text).toMatch(/neo_data_pool_acquisitions_total\{[^}]*\} 10/);
    stop();
    expect(pool.listenerCount('acquire')).toBe(0);
    expect(await metrics.registry.metrics()).not.toMatch(/neo_data_pool_connections\{/);
  });

  it('lets several instances share one registry without registering a metric twice', async () => {
    const registry = createMetricsRegistry('oracle');
    const first = new DataMetrics({ registry });
    const second = new DataMetrics({ registry });
    first.recordRouting(primary, 'write');
    second.recordRouting(primary, 'write');
    expect(await registry.metrics()).toMatch(/reason="write"[^}]*\} 2/);
  });
});
