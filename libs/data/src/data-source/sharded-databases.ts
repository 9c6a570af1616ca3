import {
  nextRolloverAt,
  serviceTargets,
  shardTargets,
  type ReplicaSetTargets,
  type ShardLayout,
  type Sharding,
  type Topology,
} from '@neo/topology';
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
  // Each shard's database, by name, kept when the layout changes (a rollover only adds shards).
  const shards = new Map<string, ConnectedDatabase<TClient>>();
  // One moment for the connections and the routing of a layout, so both see the same shards.
  const clientAt = (now: Date): ShardedClient<TClient> => {
    const targets = shardTargets(topology, service, 'app', { now, ...(options.layout ? { layout: options.layout } : {}) });
    for (const target of targets) if (!shards.has(target.shard.name)) shards.set(target.shard.name, connect(target));
    return createShardedClient({
      ...options.tuning,
      now,
      sharding,
      shards: targets.map((target) => ({
        name: target.shard.name,
        client: shards.get(target.shard.name)!.client as unknown as PrismaClientLike,
      })),
    }) as unknown as ShardedClient<TClient>;
  };
  let sharded: ShardedClient<TClient>;
  try {
    sharded = clientAt(options.tuning?.now ?? new Date());
  } catch (error) {
    for (const database of shards.values()) void database.close();
    throw error;
  }
  // Under `sharding.rollover`, next year's shard joins the routing at a set moment: a running
  // service switches then by itself (all instances at the same time), no restart needed.
  const stopRollover =
    options.tuning?.now === undefined && options.layout !== 'next'
      ? followRollover(sharding, async () => {
          const now = new Date();
          const added = shardTargets(topology, service, 'app', { now }).filter((target) => !shards.has(target.shard.name));
          // Only onto databases that answer: a layout with a missing shard would fail every fan-out read.
          const probes = added.map((target) => connect(target));
          const ready = await Promise.all(
            probes.map((database) =>
              database.nodes[0]!.pool.query('SELECT 1').then(
                () => true,
                () => false,
              ),
            ),
          );
          if (!ready.every(Boolean)) {
            await Promise.allSettled(probes.map((database) => database.close()));
            return false;
          }
          added.forEach((target, index) => shards.set(target.shard.name, probes[index]!));
          sharded = clientAt(now);
          return true;
        })
      : () => undefined;

  let home: ConnectedDatabase<TClient> | undefined;
  const homeClient = () => (home ??= connect(serviceTargets(topology, service))).client;
  const placedModels = new Set([...sharding.models, ...sharding.referenceModels, ...Object.keys(sharding.singleModels)]);
  const firstShardClient = [...shards.values()][0]!.client;
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
  const client = withHomeModels(() => sharded, livesAtHome, homeClient);
  return { client, databases: () => [...shards.values(), ...(home ? [home] : [])], stop: stopRollover };
}

/** The longest delay `setTimeout` takes (about 24.8 days); longer waits are made of several. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A new shard that did not answer yet (the maintenance step makes it) is tried again this often. */
const ROLLOVER_RETRY_MS = 60_000;

/**
 * Calls `change` each time the rollover's layout changes, until the returned function is called;
 * when `change` answers false (a new shard does not answer yet), again a minute later.
 */
function followRollover(sharding: Sharding, change: () => Promise<boolean>): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = (at: Date | undefined = nextRolloverAt(sharding, new Date())) => {
    if (!at || stopped) return;
    timer = setTimeout(
      () => {
        if (Date.now() < at.getTime()) return arm(at);
        void change().then(
          (done) => arm(done ? undefined : new Date(Date.now() + ROLLOVER_RETRY_MS)),
          () => arm(new Date(Date.now() + ROLLOVER_RETRY_MS)),
        );
      },
      Math.min(Math.max(0, at.getTime() - Date.now()), MAX_TIMER_MS),
    );
    // Never what keeps a process alive.
    timer.unref();
  };
  arm();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * The sharded client, with calls to models outside the sharding block sent to the home
 * database instead of being refused by the router. Only real model delegates go home: other
 * properties (`constructor`, lifecycle hooks a framework looks for) stay as the sharded client has them.
 */
function withHomeModels<TClient>(
  sharded: () => ShardedClient<TClient>,
  livesAtHome: (property: PropertyKey) => boolean,
  homeClient: () => TClient,
): ShardedClient<TClient> {
  // The current sharded client on every read: a rollover replaces it.
  return new Proxy(sharded() as object, {
    get(_target, property) {
      if (livesAtHome(property)) return Reflect.get(homeClient() as object, property);
      const current = sharded() as object;
      return Reflect.get(current, property, current);
    },
    has(_target, property) {
      return Reflect.has(sharded() as object, property);
    },
  }) as ShardedClient<TClient>;
}
