import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { DataError, dataNodeLabel, throughPgBouncer, toPgPoolConfig, type DataNode } from '@neo/topology';
import { nodeMetricLabels, type DataMetrics } from '../metrics/index.js';
import { queryTimeoutsOf } from './query-timeouts.js';

export type PoolFactory = (config: pg.PoolConfig) => pg.Pool;

export interface NodePoolsOptions {
  /** Builds a pool from its configuration; tests and metrics may wrap it. */
  createPool?: PoolFactory;
  /** Told about errors of idle connections (e.g. the server went away). */
  onIdleError?: (error: Error, node: DataNode) => void;
  /** Where each pool's connections and acquisitions are counted (`neo_data_pool_*`), labelled by `nodeMetricLabels`. */
  metrics?: DataMetrics;
}

/** Identifies one database (and schema) on one physical node: pools are never shared across databases, schemas or users. */
export function nodeKey(node: DataNode): string {
  return `${node.user}@${dataNodeLabel(node)}`;
}

/**
 * One `pg` pool per database node, created on first use, followed by the metrics, and all ended
 * together. Every pool of a data source comes from here (primaries, replicas, shards, the monolith
 * schema), so one `createPool` hook reaches them all, several clients can share a node's pool,
 * and shutdown and health checks reach every pool.
 */
export class NodePools {
  private readonly pools = new Map<string, pg.Pool>();
  private readonly stopFollowing: Array<() => void> = [];
  private closing: Promise<void> | undefined;

  constructor(private readonly options: NodePoolsOptions = {}) {}

  poolFor(node: DataNode): pg.Pool {
    if (this.closing) {
      throw new DataError(
        'DATA_SOURCE_CLOSED',
        `the data source is closed; cannot open a pool for ${dataNodeLabel(node)} (the application is shutting down)`,
      );
    }
    const key = nodeKey(node);
    let pool = this.pools.get(key);
    if (!pool) {
      const timeouts = queryTimeoutsOf(node.pool);
      // Service queries go through the cluster's PgBouncer when one runs (transaction pooling: the
      // data layer keeps no session state). Migrations, replication and LISTEN connect on their own, directly.
      // Every call is bounded: the server cancels a statement past its timeout, and the client stops
      // waiting for a server that does not answer at all (see QueryTimeouts).
      const config: pg.PoolConfig = {
        ...toPgPoolConfig(throughPgBouncer(node)),
        statement_timeout: timeouts.statementTimeoutMs,
        query_timeout: timeouts.noAnswerTimeoutMs,
      };
      pool = this.options.createPool ? this.options.createPool(config) : new pg.Pool(config);
      // Without a listener, an idle connection dropped by the server would crash the process.
      pool.on('error', (error) => this.options.onIdleError?.(error, node));
      if (this.options.metrics) this.stopFollowing.push(this.options.metrics.instrumentPool(pool, nodeMetricLabels(node)));
      this.pools.set(key, pool);
    }
    return pool;
  }

  /**
   * Prisma's driver adapter on the node's pool (the pool is created if needed); a node inside the
   * monolith names its schema, so the generated client queries that schema.
   */
  adapterFor(node: DataNode): PrismaPg {
    // adapter-pg is typed against its own copy of @types/pg; the runtime Pool class is the same one.
    const pool = this.poolFor(node) as unknown as ConstructorParameters<typeof PrismaPg>[0];
    return new PrismaPg(pool, node.schema !== undefined ? { schema: node.schema } : undefined);
  }

  get size(): number {
    return this.pools.size;
  }

  /** Ends every pool, waiting for checked-out connections to be released. */
  closeAll(): Promise<void> {
    this.closing ??= Promise.allSettled([...this.pools.values()].map((pool) => pool.end())).then(() => {
      for (const stop of this.stopFollowing) stop();
    });
    return this.closing;
  }
}
