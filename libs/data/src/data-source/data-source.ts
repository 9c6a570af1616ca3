import type { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import type { DataNode } from '@neo/topology';
import type { NodePools } from '../pool/index.js';
import type { NodeStatus } from '../replication/index.js';

/** The little a data source needs from a Prisma client: a way to let it go. */
export interface DataClient {
  $disconnect(): Promise<void>;
}

/**
 * Builds a service's Prisma client on a driver adapter. The client class is generated inside
 * each service, so the service passes this factory: `(adapter) => new PrismaClient({ adapter })`.
 * It is called once per node a source uses (each primary, replica and shard).
 */
export type CreateDataClient<TClient extends DataClient> = (adapter: PrismaPg, node: DataNode) => TClient;

/** A database node a data source talks to, with the pool it uses for it. */
export interface ConnectedNode {
  readonly node: DataNode;
  readonly pool: pg.Pool;
}

/**
 * Where a service's data comes from: the client its code queries, the nodes behind that client,
 * and how to release them. The same shape whatever the topology declares for the service (its
 * primary alone, a replica set, shards, and the monolith side while flags switch it).
 */
export interface DataSource<TClient extends DataClient = DataClient> {
  /** The service name in the topology, e.g. `storage`. */
  readonly service: string;
  /** The Prisma client service code uses. */
  readonly client: TClient;
  /** Every node this source may send queries to; the primary of its (first) database first. */
  readonly nodes: readonly ConnectedNode[];
  /**
   * Resolves once replicas can serve reads (the lag monitor has polled every node once); until
   * then reads go to the primary. Resolves at once for a source without replicas.
   */
  ready(): Promise<void>;
  /** What routing knows of each node (breaker, rotation and lag of replicas, counters); a primary alone has its own entry. */
  status?(): readonly NodeStatus[];
  /** Disconnects the client and ends every pool; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * One database (a service's database, a shard, the service's schema in the monolith) as a data
 * source connects it: a replica set, of its primary alone when its cluster has no replicas.
 */
export interface ConnectedDatabase<TClient> {
  readonly client: TClient;
  readonly nodes: readonly ConnectedNode[];
  ready(): Promise<void>;
  status(): readonly NodeStatus[];
  /** Disconnects its clients and stops its lag monitor; its pools are ended by their owner, `NodePools`. */
  close(): Promise<void>;
}

/** The databases behind one client: one database, or every shard (and the home database once used). */
export interface ConnectedDatabases<TClient> {
  readonly client: TClient;
  /** A function: a database connected on first use joins the list then. */
  databases(): readonly ConnectedDatabase<unknown>[];
  /** Stops what the client watches (flags), before its databases close. */
  stop?(): void;
}

/**
 * The data source over connected databases and the pools they use. Closing closes every database
 * (clients first, so no query starts on a pool that is ending), runs `beforeClose`, then ends the pools.
 */
export function dataSourceOver<TClient extends DataClient>(
  service: string,
  connected: ConnectedDatabases<TClient>,
  pools: NodePools,
  beforeClose: () => void = () => undefined,
): DataSource<TClient> {
  let closing: Promise<void> | undefined;
  return {
    service,
    client: connected.client,
    get nodes() {
      return connected.databases().flatMap((database) => database.nodes);
    },
    ready: async () => {
      await Promise.all(connected.databases().map((database) => database.ready()));
    },
    status: () => connected.databases().flatMap((database) => database.status()),
    close() {
      closing ??= (async () => {
        beforeClose();
        connected.stop?.();
        await Promise.allSettled(connected.databases().map((database) => database.close()));
        await pools.closeAll();
      })();
      return closing;
    },
  };
}
