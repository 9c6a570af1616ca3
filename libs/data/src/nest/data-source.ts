import type pg from 'pg';
import type { NodeStatus } from '../replication/index.js';
import type { DataNode } from '@neo/topology';

/** The little a data source needs from a Prisma client: a way to let it go. */
export interface DataClient {
  $disconnect(): Promise<void>;
}

/** A database node a data source talks to, with the pool it uses for it. */
export interface ConnectedNode {
  readonly node: DataNode;
  readonly pool: pg.Pool;
}

/**
 * Where a service's data comes from: the client its code queries, the nodes behind
 * that client, and how to release them.
 *
 * Two kinds today: the primary of the service's database, and a replica set (reads spread
 * over fresh, healthy replicas; writes on the primary). Shard routers (one replica set per
 * shard) are a further kind of the same thing: they expose one client and more nodes, so
 * services and the Nest module do not change when they arrive.
 */
export interface DataSource<TClient extends DataClient = DataClient> {
  /** The service name in the topology, e.g. `storage`. */
  readonly service: string;
  /** The Prisma client service code uses. */
  readonly client: TClient;
  /** Every node this source may send queries to; the primary first. */
  readonly nodes: readonly ConnectedNode[];
  /**
   * Resolves once replicas can serve reads (the lag monitor has polled every node once); until
   * then reads go to the primary. Resolves at once for a source without replicas.
   */
  ready(): Promise<void>;
  /** What routing knows of each node (breaker, rotation, lag, counters); absent without replicas. */
  status?(): readonly NodeStatus[];
  /** Disconnects the client and ends every pool; safe to call more than once. */
  close(): Promise<void>;
}
