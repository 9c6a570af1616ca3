import { PrismaPg } from '@prisma/adapter-pg';
import { serviceTargets, type DataNode, type Topology } from '@neo/topology';
import type { DataClient, DataSource } from './data-source.js';
import type { NodePools } from './node-pools.js';

/**
 * Builds a service's Prisma client on a driver adapter. The client class is generated
 * inside each service, so the service passes this factory:
 * `(adapter) => new PrismaClient({ adapter })`.
 * It is called once per node a source uses (replica sets call it per replica).
 */
export type CreateDataClient<TClient extends DataClient> = (adapter: PrismaPg, node: DataNode) => TClient;

export interface PrimaryDataSourceOptions<TClient extends DataClient> {
  service: string;
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  createClient: CreateDataClient<TClient>;
  pools: NodePools;
}

/** Creates a driver adapter on the node's pool; a node inside the monolith names its schema. */
export function adapterFor(node: DataNode, pools: NodePools): PrismaPg {
  // adapter-pg is typed against its own copy of @types/pg; the runtime Pool class is the same one.
  const pool = pools.poolFor(node) as unknown as ConstructorParameters<typeof PrismaPg>[0];
  return new PrismaPg(pool, node.schema ? { schema: node.schema } : undefined);
}

/** A data source that sends every query to the primary of the service's database. */
export function createPrimaryDataSource<TClient extends DataClient>(options: PrimaryDataSourceOptions<TClient>): DataSource<TClient> {
  const { primary } = serviceTargets(options.topology, options.service);
  const pool = options.pools.poolFor(primary);
  let client: TClient;
  try {
    client = options.createClient(adapterFor(primary, options.pools), primary);
  } catch (error) {
    void options.pools.closeAll();
    throw error;
  }
  let closing: Promise<void> | undefined;

  return {
    service: options.service,
    client,
    nodes: [{ node: primary, pool }],
    ready: () => Promise.resolve(),
    close() {
      // The client first, so no query starts on a pool that is ending.
      closing ??= client
        .$disconnect()
        .catch(() => undefined)
        .then(() => options.pools.closeAll());
      return closing;
    },
  };
}
