import type { DataMetrics } from '../metrics/index.js';
import { modelDelegateOf, modelNameOf } from '../prisma-call/index.js';
import { createReplicaSet, type NodeStatus, type ReplicaSet } from '../replication/index.js';
import { createShardedClient, type PrismaClientLike, type ShardedClient, type ShardedClientOptions } from '../sharding/index.js';
import { ShardingConfigError } from '../sharding/sharding.errors.js';
import {
  findService,
  serviceTargets,
  shardTargets,
  type DataNode,
  type ReadSettings,
  type ReplicaSetTargets,
  type Topology,
} from '@neo/topology';
import type { ConnectedNode, DataClient, DataSource } from './data-source.js';
import { adapterFor, type CreateDataClient } from './primary.data-source.js';
import { NodePools, type NodePoolsOptions } from './node-pools.js';
import type { ReplicaSetTuning } from './replica-set.data-source.js';

/** Settings of the sharded client a service may give; the shards themselves come from the topology. */
export type ShardedClientTuning = Pick<
  ShardedClientOptions<PrismaClientLike>,
  'concurrency' | 'compareStrings' | 'generatedIds' | 'referenceReadShard'
>;

export interface ShardedDataSourceOptions<TClient extends DataClient> {
  /** The service name in the topology; it must declare `sharding`. */
  service: string;
  /** A bound topology: every node has its host and port. */
  topology: Topology;
  /** `(adapter) => new PrismaClient({ adapter })`: called once per node (each shard's primary and replicas). */
  createClient: CreateDataClient<TClient>;
  pools?: NodePoolsOptions;
  metrics?: DataMetrics;
  /** Applied to the replica set of every shard that has replicas. */
  replicaSet?: ReplicaSetTuning;
  /** Fan-out concurrency, string order of merges, generated ids, reference read shard. */
  sharding?: ShardedClientTuning;
}

/**
 * One database (a shard, or the service's home database) as this source connects it:
 * a replica set when its cluster has replicas, else its primary alone.
 */
interface ConnectedDatabase<TClient> {
  readonly client: TClient;
  readonly nodes: readonly ConnectedNode[];
  ready(): Promise<void>;
  status(): readonly NodeStatus[];
  close(): Promise<void>;
}

/**
 * The data source of a service whose topology declares `sharding`: one connection per shard
 * (a replica set when the shard's cluster has replicas, so reads go to fresh replicas and
 * writes to the shard's primary), joined into one sharded client that routes plain Prisma
 * calls by their shard key (see `createShardedClient`).
 *
 * Models the sharding block does not name (neither sharded, reference nor single) live in
 * the service's home database (`services.<name>.database`). It is connected on the first
 * call to such a model, so a service whose every model is sharded never opens it.
 *
 * Closing closes every shard and the home database.
 */
export function createShardedDataSource<TClient extends DataClient>(
  options: ShardedDataSourceOptions<TClient>,
): DataSource<ShardedClient<TClient>> {
  const declared = findService(options.topology, options.service);
  const sharding = declared.sharding;
  if (!sharding) {
    throw new ShardingConfigError(`Service "${options.service}" declares no sharding in the topology; use createDataSource for it.`);
  }
  const pools = new NodePools(options.pools);
  const connect = (targets: ReplicaSetTargets) => connectDatabase(targets, declared.reads, options, pools);

  const shards: Array<{ name: string; database: ConnectedDatabase<TClient> }> = [];
  try {
    for (const target of shardTargets(options.topology, options.service))
      shards.push({ name: target.shard.name, database: connect(target) });
  } catch (error) {
    void Promise.allSettled(shards.map(({ database }) => database.close())).then(() => pools.closeAll());
    throw error;
  }

  let home: ConnectedDatabase<TClient> | undefined;
  const homeDatabase = () => (home ??= connect(serviceTargets(options.topology, options.service)));

  const sharded = createShardedClient({
    ...options.sharding,
    sharding,
    shards: shards.map(({ name, database }) => ({ name, client: database.client as unknown as PrismaClientLike })),
  }) as unknown as ShardedClient<TClient>;
  const placedModels = new Set([...sharding.models, ...sharding.referenceModels, ...Object.keys(sharding.singleModels)]);
  const firstShardClient = shards[0]!.database.client;
  const client = withHomeModels(
    sharded,
    (property) => modelDelegateOf(firstShardClient, property) !== undefined && !placedModels.has(modelNameOf(String(property))),
    () => homeDatabase().client,
  );

  const databases = () => [...shards.map(({ database }) => database), ...(home ? [home] : [])];
  let closing: Promise<void> | undefined;
  return {
    service: options.service,
    client,
    // A getter: the home database joins the list once it is connected.
    get nodes() {
      return databases().flatMap((database) => database.nodes);
    },
    ready: async () => {
      await Promise.all(databases().map((database) => database.ready()));
    },
    status: () => databases().flatMap((database) => database.status()),
    close() {
      closing ??= Promise.allSettled(databases().map((database) => database.close())).then(() => pools.closeAll());
      return closing;
    },
  };
}

/**
 * The sharded client, with calls to models outside the sharding block sent to the home
 * database instead of being refused by the router. Only real model delegates go home: other
 * properties (`constructor`, lifecycle hooks a framework looks for) stay as the sharded client has them.
 */
function withHomeModels<TClient>(
  sharded: ShardedClient<TClient>,
  livesAtHome: (property: PropertyKey) => boolean,
  homeClient: () => TClient,
): ShardedClient<TClient> {
  return new Proxy(sharded as object, {
    get(target, property, receiver) {
      if (livesAtHome(property)) {
        return Reflect.get(homeClient() as object, property);
      }
      return Reflect.get(target, property, receiver);
    },
  }) as ShardedClient<TClient>;
}

function connectDatabase<TClient extends DataClient>(
  targets: ReplicaSetTargets,
  reads: ReadSettings,
  options: ShardedDataSourceOptions<TClient>,
  pools: NodePools,
): ConnectedDatabase<TClient> {
  return targets.replicas.length > 0 ? connectReplicaSet(targets, reads, options) : connectPrimary(targets.primary, options, pools);
}

function connectReplicaSet<TClient extends DataClient>(
  targets: ReplicaSetTargets,
  reads: ReadSettings,
  options: ShardedDataSourceOptions<TClient>,
): ConnectedDatabase<TClient> {
  const nodesInOrder = [targets.primary, ...targets.replicas];
  let built = 0;
  const set: ReplicaSet<TClient & object> = createReplicaSet<TClient & object>({
    primary: targets.primary,
    replicas: targets.replicas,
    reads,
    createClient: (adapter) => options.createClient(adapter, nodesInOrder[built++]!) as TClient & object,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...options.replicaSet,
  });
  // The replica set keeps its pools private; health probes need the very pools queries use.
  const setPools = (set as unknown as { pools?: ConnectedNode['pool'][] }).pools;
  if (!Array.isArray(setPools)) throw new TypeError('ReplicaSet no longer keeps its pools in `pools`; update connectReplicaSet');
  return {
    client: set.client as unknown as TClient,
    nodes: nodesInOrder.map((node, index) => ({ node, pool: setPools[index]! })),
    ready: () => set.ready(),
    status: () => set.status(),
    close: () => set.close(),
  };
}

function connectPrimary<TClient extends DataClient>(
  primary: DataNode,
  options: ShardedDataSourceOptions<TClient>,
  pools: NodePools,
): ConnectedDatabase<TClient> {
  const pool = pools.poolFor(primary);
  const client = options.createClient(adapterFor(primary, pools), primary);
  const detach = options.metrics?.instrumentPool(pool, {
    database: primary.schema === undefined ? primary.database : `${primary.database}.${primary.schema}`,
    node: `${primary.cluster}/${primary.node}`,
    role: primary.role,
  });
  let closing: Promise<void> | undefined;
  return {
    client,
    nodes: [{ node: primary, pool }],
    ready: () => Promise.resolve(),
    status: () => [],
    // The pool itself is ended with the source's other pools (NodePools.closeAll).
    close() {
      closing ??= client
        .$disconnect()
        .catch(() => undefined)
        .then(() => detach?.());
      return closing;
    },
  };
}
