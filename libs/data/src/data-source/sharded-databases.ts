import { serviceTargets, shardTargets, type ReplicaSetTargets, type ShardLayout, type Sharding, type Topology } from '@neo/topology';
import { modelDelegateOf, modelNameOf } from '../prisma-call/index.js';
import { createShardedClient, type PrismaClientLike, type ShardedClient, type ShardedClientOptions } from '../sharding/index.js';
import type { ConnectedDatabase, ConnectedDatabases, DataClient } from './data-source.js';

/** Settings of the sharded client a service may give; the shards themselves come from the topology. */
export type ShardedClientTuning = Pick<
  ShardedClientOptions<PrismaClientLike>,
  'concurrency' | 'compareStrings' | 'generatedIds' | 'referenceReadShard' | 'now'
>;

export interface ShardedDatabasesOptions {
  /** The service name in the topology. */
  readonly service: string;
  /** A bound topology: every node has its host and port. */
  readonly topology: Topology;
  /** The service's sharding block (of the layout connected). */
  readonly sharding: Sharding;
  /** Which of the service's layouts: `current` (default) or, during a reshard, `next`. */
  readonly layout?: ShardLayout;
  /** Fan-out concurrency, string order of merges, generated ids, reference read shard. */
  readonly tuning?: ShardedClientTuning;
}

/**
 * The databases of a service whose topology declares `sharding`: one connected database per
 * shard (`connect`: a replica set when the shard's cluster has replicas), joined into one sharded
 * client that routes plain Prisma calls by their shard key (see `createShardedClient`).
 *
 * Models the sharding block does not name (neither sharded, reference nor single) live in the
 * service's home database (`services.<name>.database`). It is connected on the first call to such
 * a model, so a service whose every model is sharded never opens it.
 */
export function connectShardedDatabases<TClient extends DataClient>(
  options: ShardedDatabasesOptions,
  connect: (targets: ReplicaSetTargets) => ConnectedDatabase<TClient>,
): ConnectedDatabases<ShardedClient<TClient>> {
  const { service, topology, sharding } = options;
  // One moment for the connections and the routing, so both see the same shard layout.
  const now = options.tuning?.now ?? new Date();
  const shards: Array<{ name: string; database: ConnectedDatabase<TClient> }> = [];
  try {
    for (const target of shardTargets(topology, service, 'app', { now, ...(options.layout ? { layout: options.layout } : {}) }))
      shards.push({ name: target.shard.name, database: connect(target) });
  } catch (error) {
    for (const { database } of shards) void database.close();
    throw error;
  }

  let home: ConnectedDatabase<TClient> | undefined;
  const homeClient = () => (home ??= connect(serviceTargets(topology, service))).client;

  const sharded = createShardedClient({
    ...options.tuning,
    now,
    sharding,
    shards: shards.map(({ name, database }) => ({ name, client: database.client as unknown as PrismaClientLike })),
  }) as unknown as ShardedClient<TClient>;
  const placedModels = new Set([...sharding.models, ...sharding.referenceModels, ...Object.keys(sharding.singleModels)]);
  const firstShardClient = shards[0]!.database.client;
  // Asked on every property read of the client, so each property is decided once.
  const atHome = new Map<PropertyKey, boolean>();
  const livesAtHome = (property: PropertyKey): boolean => {
    let home = atHome.get(property);
    if (home === undefined) {
      home =
        typeof property === 'string' &&
        !placedModels.has(modelNameOf(property)) &&
        modelDelegateOf(firstShardClient, property) !== undefined;
      atHome.set(property, home);
    }
    return home;
  };
  const client = withHomeModels(sharded, livesAtHome, homeClient);
  return { client, databases: () => [...shards.map(({ database }) => database), ...(home ? [home] : [])] };
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
      if (livesAtHome(property)) return Reflect.get(homeClient() as object, property);
      return Reflect.get(target, property, receiver);
    },
  }) as ShardedClient<TClient>;
}
