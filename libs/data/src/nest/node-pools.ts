import pg from 'pg';
import { DataError, type DataNode, dataNodeLabel, toPgPoolConfig } from '@neo/topology';

export type PoolFactory = (config: pg.PoolConfig) => pg.Pool;

export interface NodePoolsOptions {
  /** Builds a pool from its configuration; tests and metrics may wrap it. */
  createPool?: PoolFactory;
  /** Told about errors of idle connections (e.g. the server went away). */
  onIdleError?: (error: Error, node: DataNode) => void;
}

/** Identifies one database (and schema) on one physical node: pools are never shared across databases, schemas or users. */
export function nodeKey(node: DataNode): string {
  return `${node.user}@${dataNodeLabel(node)}`;
}

/**
 * One `pg` pool per database node, created on first use and all ended together.
 * Owning the pools here (not inside Prisma's adapter) lets several clients share a
 * node's pool, and lets shutdown and health checks reach every pool.
 */
export class NodePools {
  private readonly pools = new Map<string, pg.Pool>();
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
      const config = toPgPoolConfig(node);
      pool = this.options.createPool ? this.options.createPool(config) : new pg.Pool(config);
      // Without a listener, an idle connection dropped by the server would crash the process.
      pool.on('error', (error) => this.options.onIdleError?.(error, node));
      this.pools.set(key, pool);
    }
    return pool;
  }

  get size(): number {
    return this.pools.size;
  }

  /** Ends every pool, waiting for checked-out connections to be released. */
  closeAll(): Promise<void> {
    this.closing ??= Promise.allSettled([...this.pools.values()].map((pool) => pool.end())).then(() => undefined);
    return this.closing;
  }
}
