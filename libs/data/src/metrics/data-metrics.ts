import { Counter, Gauge, type Registry } from 'prom-client';
import type pg from 'pg';
import { HotPathCounter, HotPathHistogram, type CounterSeries, type HistogramSeries } from './hot-path-metrics.js';
import type { DataEventLog } from '../logging/data-event-log.js';
import { createMetricsRegistry } from './metrics-registry.js';

/** Which node a series describes. Built from topology names only, so a label never holds a secret. */
export interface NodeMetricLabels {
  /** The database (or shard database) name, e.g. `neo_oracle`. */
  readonly database: string;
  /** `<cluster>/<node>`, e.g. `blockchain/blockchain-replica-1`. */
  readonly node: string;
  readonly role: 'primary' | 'replica';
}

/**
 * Why a call went where it went. `replica` is the normal case for a read; every other value
 * explains a call served by the primary.
 */
export type RoutingReason =
  'replica' | 'no_replica' | 'lagging' | 'read_your_writes' | 'breaker_open' | 'forced_primary' | 'write' | 'transaction' | 'raw';

export interface QueryRecorder {
  /** Records one finished query. `seconds` is its wall time as the caller saw it. */
  observe(operation: string, seconds: number, outcome: 'ok' | 'error'): void;
}

/** The series of one operation on one node: its latency, and its count by outcome (made on first use). */
interface OperationSeries {
  readonly duration: HistogramSeries;
  ok?: CounterSeries;
  error?: CounterSeries;
}

interface FollowedPool {
  readonly labels: NodeMetricLabels;
  readonly counts: { opened: number; acquired: number };
}

/** Pools are tracked per registry, so every DataMetrics sharing a registry feeds the same gauges. */
const poolsByRegistry = new WeakMap<Registry, Map<pg.Pool, FollowedPool>>();
function followedPools(registry: Registry): Map<pg.Pool, FollowedPool> {
  let pools = poolsByRegistry.get(registry);
  if (!pools) {
    pools = new Map();
    poolsByRegistry.set(registry, pools);
  }
  return pools;
}

const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The data layer's metrics for one service: query count and latency by node and operation,
 * replica lag, routing decisions, and pool health including connection reuse
 * (connections opened vs. acquisitions; the seed asks for more than 80 % reuse).
 * Several replica sets (databases, shards) of one service share one instance.
 */
export class DataMetrics {
  readonly registry: Registry;
  /**
   * Where the changes these metrics follow are also logged, once each (replica rotation, breakers,
   * flags, write redirects); set by the Nest module to the service's logger. None: not logged.
   */
  events?: DataEventLog;
  private readonly queries: HotPathCounter;
  private readonly queryDuration: HotPathHistogram;
  private readonly routing: HotPathCounter;
  private readonly routingSeries = new Map<string, CounterSeries>();
  private readonly lagBytes: Gauge<'database' | 'node'>;
  private readonly lagSeconds: Gauge<'database' | 'node'>;
  private readonly replicaInRotation: Gauge<'database' | 'node'>;
  private readonly primaryChanges: Counter<'database' | 'node'>;
  private readonly connectionsOpened: Counter<'database' | 'node' | 'role'>;
  private readonly acquisitions: Counter<'database' | 'node' | 'role'>;
  private readonly pools: Map<pg.Pool, FollowedPool>;

  constructor(options: { service: string } | { registry: Registry }) {
    this.registry = 'registry' in options ? options.registry : createMetricsRegistry(options.service);
    const registers = [this.registry];
    const nodeLabels = ['database', 'node', 'role'] as const;

    // Recorded on every query: the hot-path variants (see hot-path-metrics.ts).
    this.queries = this.metric(
      'neo_data_queries_total',
      () => new HotPathCounter('neo_data_queries_total', 'Queries run, by node and Prisma operation.', this.registry),
    );
    this.queryDuration = this.metric(
      'neo_data_query_duration_seconds',
      () =>
        new HotPathHistogram(
          'neo_data_query_duration_seconds',
          'Query latency as the caller saw it, by node and Prisma operation.',
          this.registry,
          latencyBuckets,
        ),
    );
    this.routing = this.metric(
      'neo_data_routing_decisions_total',
      () =>
        new HotPathCounter(
          'neo_data_routing_decisions_total',
          'Where calls were sent and why; every reason but "replica" explains a call served by the primary.',
          this.registry,
        ),
    );
    this.lagBytes = this.metric(
      'neo_data_replica_lag_bytes',
      () =>
        new Gauge({
          name: 'neo_data_replica_lag_bytes',
          help: 'WAL bytes the replica has not replayed yet, at the last poll.',
          labelNames: ['database', 'node'],
          registers,
        }),
    );
    this.lagSeconds = this.metric(
      'neo_data_replica_lag_seconds',
      () =>
        new Gauge({
          name: 'neo_data_replica_lag_seconds',
          help: 'How stale the replica was at the last poll (0 when it had replayed everything the primary had written).',
          labelNames: ['database', 'node'],
          registers,
        }),
    );
    this.replicaInRotation = this.metric(
      'neo_data_replica_in_rotation',
      () =>
        new Gauge({
          name: 'neo_data_replica_in_rotation',
          help: '1 while the replica is healthy and within the lag bound, else 0.',
          labelNames: ['database', 'node'],
          registers,
        }),
    );
    this.primaryChanges = this.metric(
      'neo_data_primary_changes_total',
      () =>
        new Counter({
          name: 'neo_data_primary_changes_total',
          help: 'Times writes moved to another node because the primary changed (a failover), by the node that took over.',
          labelNames: ['database', 'node'],
          registers,
        }),
    );
    this.connectionsOpened = this.metric(
      'neo_data_pool_connections_opened_total',
      () =>
        new Counter({
          name: 'neo_data_pool_connections_opened_total',
          help: 'New server connections the pool opened.',
          labelNames: [...nodeLabels],
          registers,
        }),
    );
    this.acquisitions = this.metric(
      'neo_data_pool_acquisitions_total',
      () =>
        new Counter({
          name: 'neo_data_pool_acquisitions_total',
          help: 'Connections lent out by the pool (new or reused).',
          labelNames: [...nodeLabels],
          registers,
        }),
    );
    const pools = followedPools(this.registry);
    this.pools = pools;
    this.metric(
      'neo_data_pool_connections',
      () =>
        new Gauge({
          name: 'neo_data_pool_connections',
          help: 'Pool connections by state: in_use, idle, waiting (callers queued for a connection).',
          labelNames: [...nodeLabels, 'state'],
          registers,
          collect() {
            this.reset();
            for (const [pool, { labels }] of pools) {
              this.set({ ...labels, state: 'in_use' }, pool.totalCount - pool.idleCount);
              this.set({ ...labels, state: 'idle' }, pool.idleCount);
              this.set({ ...labels, state: 'waiting' }, pool.waitingCount);
            }
          },
        }),
    );
    this.metric(
      'neo_data_pool_connection_reuse_ratio',
      () =>
        new Gauge({
          name: 'neo_data_pool_connection_reuse_ratio',
          help: 'Share of acquisitions served by an already open connection: 1 - opened / acquisitions.',
          labelNames: [...nodeLabels],
          registers,
          collect() {
            this.reset();
            for (const { labels, counts } of pools.values()) {
              if (counts.acquired > 0) this.set({ ...labels }, 1 - counts.opened / counts.acquired);
            }
          },
        }),
    );
  }

  /**
   * A recorder bound to one node; it keeps its series so the hot path does no label hashing: one
   * map lookup per query, by operation, and no key built per call.
   */
  queryRecorder(labels: NodeMetricLabels): QueryRecorder {
    const byOperation = new Map<string, OperationSeries>();
    return {
      observe: (operation, seconds, outcome) => {
        let series = byOperation.get(operation);
        if (!series) {
          series = { duration: this.queryDuration.labels({ ...labels, operation }) };
          byOperation.set(operation, series);
        }
        series.duration.observe(seconds);
        (series[outcome] ??= this.queries.labels({ ...labels, operation, outcome })).inc();
      },
    };
  }

  recordRouting(labels: NodeMetricLabels, reason: RoutingReason): void {
    const key = `${labels.database}\u0000${labels.node}\u0000${reason}`;
    let series = this.routingSeries.get(key);
    if (!series) {
      series = this.routing.labels({ ...labels, reason });
      this.routingSeries.set(key, series);
    }
    series.inc();
  }

  /**
   * Routing decisions of one node, as `recordRouting` counts them, for code that routes every
   * call: it keeps the node's series by reason, so a decision costs one lookup and no key is built.
   */
  routingRecorder(labels: NodeMetricLabels): (reason: RoutingReason) => void {
    const byReason = new Map<RoutingReason, CounterSeries>();
    return (reason) => {
      let series = byReason.get(reason);
      if (!series) {
        series = this.routing.labels({ ...labels, reason });
        byReason.set(reason, series);
      }
      series.inc();
    };
  }

  recordReplicaLag(node: Pick<NodeMetricLabels, 'database' | 'node'>, lag: { bytes?: number; ms?: number; inRotation: boolean }): void {
    const labels = { database: node.database, node: node.node };
    if (lag.bytes !== undefined) this.lagBytes.set(labels, lag.bytes);
    if (lag.ms !== undefined) this.lagSeconds.set(labels, lag.ms / 1000);
    this.replicaInRotation.set(labels, lag.inRotation ? 1 : 0);
  }

  /** Writes moved to `node` (it was found to be the primary now). */
  recordPrimaryChange(node: Pick<NodeMetricLabels, 'database' | 'node'>): void {
    this.primaryChanges.inc({ database: node.database, node: node.node });
  }

  /**
   * Follows a pool: its in-use/idle/waiting gauges, and connections opened (`connect`) vs.
   * acquisitions (`acquire`) for the reuse ratio. Returns a function that stops following it.
   */
  instrumentPool(pool: pg.Pool, labels: NodeMetricLabels): () => void {
    const counts = { opened: 0, acquired: 0 };
    const opened = this.connectionsOpened.labels({ ...labels });
    const acquired = this.acquisitions.labels({ ...labels });
    const onConnect = () => {
      counts.opened++;
      opened.inc();
    };
    const onAcquire = () => {
      counts.acquired++;
      acquired.inc();
    };
    pool.on('connect', onConnect);
    pool.on('acquire', onAcquire);
    this.pools.set(pool, { labels, counts });
    return () => {
      pool.off('connect', onConnect);
      pool.off('acquire', onAcquire);
      this.pools.delete(pool);
    };
  }

  /** Reuses a metric already in the registry (a second DataMetrics on the same registry) instead of failing. */
  private metric<M>(name: string, create: () => M): M {
    return (this.registry.getSingleMetric(name) as M | undefined) ?? create();
  }
}

/** The metrics of one service, in a registry of its own (see `createMetricsRegistry`). */
export function createDataMetrics(service: string): DataMetrics {
  return new DataMetrics({ service });
}
