import type { Sharding } from '@neo/topology';
import { assertStaysOnShard } from './bound-shard-guard.js';
import { fanOut, type ShardFailure } from './fan-out.js';
import { FieldNullability } from './field-nullability.js';
import { FirstRoundDepths } from './first-round-depths.js';
import { withGeneratedIds, type GeneratedIds } from './generated-ids.js';
import {
  callDelegate,
  DelegateMethod,
  FluentCalls,
  isReadOperation,
  LazyCall,
  modelDelegateOf,
  modelNameOf,
  RelationFields,
} from '../prisma-call/index.js';
import { compareCodePoints, type StringComparator } from './merge/compare-values.js';
import { checkNestedWrites, nestedWriteArguments } from './nested-write-check.js';
import { routeCall } from './route-call.js';
import type { ShardCallContext } from './shard-call-context.js';
import type { PrismaClientLike, ShardConnection } from './shard-connection.js';
import { ShardRouter } from './shard-router.js';
import { CrossShardTransactionError, ShardingConfigError, ShardKeyRequiredError, UnroutableCallError } from './sharding.errors.js';

export interface ShardedClientOptions<Client extends PrismaClientLike> {
  /** The service's sharding block from the topology. */
  sharding: Sharding;
  /** A connection for every shard the block declares. */
  shards: ReadonlyArray<ShardConnection<Client>>;
  /** Shards queried at the same time by one fanned-out call (default 4). */
  concurrency?: number;
  /**
   * String order used when merging, which must match the shard databases' collation.
   * The default, code point order, is PostgreSQL's `C`/`C.UTF-8` order; pass e.g.
   * `new Intl.Collator('en-US').compare` for an ICU collation.
   */
  compareStrings?: StringComparator;
  /** Fields filled with a UUIDv7 when a created row leaves them out, per model: `{ Transaction: 'id' }`. */
  generatedIds?: GeneratedIds;
  /** The shard reference models are read from (default: the first shard). */
  referenceReadShard?: string;
  /**
   * The moment whose shard layout routes (default: when the client is made): under a rollover,
   * next year's shard is in the layout from January 1 minus `aheadDays` on (see `effectiveShards`).
   */
  now?: Date;
}

/** The result of a call made with partial results allowed, and the shards that did not answer. */
export interface PartialResult<T> {
  result: T;
  missingShards: ShardFailure[];
}

/** Operator access to the shards behind a sharded client. */
export interface ShardsApi<Client> {
  /** Shard names in topology order. */
  readonly names: readonly string[];
  /** The plain client of one named shard (no routing, no checks). */
  on(name: string): Client;
  /** Runs `work` on every shard (bounded concurrency); a failing shard fails the call, named. */
  each<T>(work: (client: Client, shard: string) => Promise<T>): Promise<Array<{ shard: string; result: T }>>;
  /** The shard a shard key value lives on. */
  shardOf(key: unknown): string;
}

export interface ShardedClientApi<Client> {
  /**
   * A client bound to the shard of `key`: every call is checked to stay on that shard
   * (CrossShardTransactionError otherwise), and `$transaction` (interactive or batch)
   * runs there.
   */
  $shard(key: unknown): Client;
  /** Per-shard access for operators and tests. */
  $shards(): ShardsApi<Client>;
  /** The same client with writes that name no shard key allowed on every shard (Vitess's scatter). */
  $allShards(): ShardedClient<Client>;
  /** Runs `work` with fanned-out reads that leave out failing shards instead of failing; says which were left out. */
  $partial<T>(work: (client: ShardedClient<Client>) => Promise<T>): Promise<PartialResult<T>>;
  /** The routing rules (which shard a key or a where goes to). */
  readonly $router: ShardRouter;
}

/** A Prisma client whose model calls are routed to shards; code using it stays plain Prisma. */
export type ShardedClient<Client> = Client & ShardedClientApi<Client>;

const DEFAULT_CONCURRENCY = 4;

/**
 * Builds the sharded client: `client.transaction.findMany(...)` finds its shard(s) from
 * the arguments, runs there, and merges the answers of several shards.
 */
export function createShardedClient<Client extends PrismaClientLike>(options: ShardedClientOptions<Client>): ShardedClient<Client> {
  const router = new ShardRouter(options.sharding, options.now);
  const clients = new Map(options.shards.map((shard) => [shard.name, shard.client]));
  const missing = router.shardNames.filter((name) => !clients.has(name));
  if (missing.length > 0) throw new ShardingConfigError(`No connection was given for shard(s) ${missing.join(', ')}.`);
  const referenceReadShard = options.referenceReadShard ?? router.shardNames[0]!;
  if (!clients.has(referenceReadShard))
    throw new ShardingConfigError(`referenceReadShard "${referenceReadShard}" is not one of the shards.`);
  const relations = RelationFields.of(options.shards[0]!.client);
  const shared: SharedState<Client> = {
    router,
    clients,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    compareStrings: options.compareStrings ?? compareCodePoints,
    generatedIds: options.generatedIds ?? {},
    referenceReadShard,
    boundClients: new Map(),
    nullability: new FieldNullability(),
    firstRoundDepths: new FirstRoundDepths(),
    relations,
    fluent: new FluentCalls(relations),
  };
  return buildClient(shared, { scatter: false });
}

interface SharedState<Client extends PrismaClientLike> {
  router: ShardRouter;
  clients: Map<string, Client>;
  concurrency: number;
  compareStrings: StringComparator;
  generatedIds: GeneratedIds;
  referenceReadShard: string;
  boundClients: Map<string, Client>;
  nullability: FieldNullability;
  firstRoundDepths: FirstRoundDepths;
  relations: RelationFields;
  fluent: FluentCalls;
}

interface Mode {
  scatter: boolean;
  failures?: ShardFailure[];
}

function buildClient<Client extends PrismaClientLike>(shared: SharedState<Client>, mode: Mode): ShardedClient<Client> {
  const firstClient = shared.clients.get(shared.router.shardNames[0]!)!;
  const delegates = new Map<string, object>();
  const clientOf = (shard: string) => shared.clients.get(shard)!;

  const routeOptions = { scatter: mode.scatter, referenceReadShard: shared.referenceReadShard };
  // What routing a model's calls needs, made once per model: calls are made on every query.
  const contexts = new Map<string, ShardCallContext>();
  const contextOf = (model: string): ShardCallContext => {
    let context = contexts.get(model);
    if (!context) {
      // Each operation's delegate method on each shard's client, looked up once (see DelegateMethod).
      const methods = new Map<string, DelegateMethod>();
      const methodOf = (operation: string) => {
        let method = methods.get(operation);
        if (!method) {
          method = new DelegateMethod(model, operation);
          methods.set(operation, method);
        }
        return method;
      };
      context = {
        router: shared.router,
        model,
        call: (shard, operation, shardArgs) => methodOf(operation).call(clientOf(shard), shardArgs),
        fanOut: { concurrency: shared.concurrency, failures: mode.failures },
        compareStrings: shared.compareStrings,
        nullability: shared.nullability,
        firstRoundDepths: shared.firstRoundDepths,
        relations: shared.relations,
      };
      contexts.set(model, context);
    }
    return context;
  };

  /** A call of `operation` on `model`; with the fluent relation API (`findUnique(…).events()`) unless `plain`. */
  const modelCall = (model: string, operation: string, callerArgs: Record<string, unknown> | undefined, plain = false): LazyCall => {
    const args = withGeneratedIds(shared.generatedIds, model, operation, callerArgs ?? {});
    const shape = { model, operation, args };
    const execute = () => routeCall(contextOf(model), operation, args, routeOptions);
    if (plain) return new LazyCall(shape, execute);
    // A followed relation routes as the call it extends.
    return shared.fluent.make(model, callerArgs, shape, execute, undefined, (fluentArgs) => modelCall(model, operation, fluentArgs, true));
  };

  const api: ShardedClientApi<Client> & Record<string, unknown> = {
    $router: shared.router,
    $shard: (key: unknown) => boundClient(shared, shared.router.shardForKey(key)),
    $shards: () => shardsApi(shared),
    $allShards: () => buildClient(shared, { ...mode, scatter: true }),
    $partial: async <T>(work: (client: ShardedClient<Client>) => Promise<T>) => {
      const failures: ShardFailure[] = [];
      const result = await work(buildClient(shared, { ...mode, failures }));
      return { result, missingShards: failures };
    },
    $connect: async () => {
      await Promise.all([...shared.clients.values()].map((client) => client.$connect()));
    },
    $disconnect: async () => {
      await Promise.all([...shared.clients.values()].map((client) => client.$disconnect()));
    },
    $transaction: (batch: unknown, transactionOptions?: unknown) => batchTransaction(shared, batch, transactionOptions),
    // Each shard's client gets the extension; the result routes as this client does (the extension runs per shard call).
    $extends: (extension: unknown) => {
      const extend = (client: Client) => (client.$extends as unknown as (extension: unknown) => Client).call(client, extension);
      const clients = new Map([...shared.clients].map(([name, client]) => [name, extend(client)]));
      return buildClient({ ...shared, clients, boundClients: new Map() }, mode);
    },
  };

  return new Proxy(api, {
    get(target, property) {
      if (typeof property === 'symbol') return undefined;
      if (property in target) return target[property];
      if (property === 'then') return undefined;
      if (property.startsWith('$')) {
        return () => {
          throw new UnroutableCallError(
            `${property} has no single database behind a sharded client: use $shard(key).${property}(…) or $shards().on(name).${property}(…).`,
          );
        };
      }
      let delegate = delegates.get(property);
      if (!delegate) {
        if (!modelDelegateOf(firstClient, property)) return undefined;
        const model = modelNameOf(property);
        // Each operation's method, made once: a delegate's methods are read on every call.
        const operations = new Map<string, (args?: Record<string, unknown>) => LazyCall>();
        delegate = new Proxy(
          {},
          {
            get: (_, operation) => {
              if (typeof operation !== 'string') return undefined;
              let method = operations.get(operation);
              if (!method) {
                method = (args?: Record<string, unknown>) => modelCall(model, operation, args);
                operations.set(operation, method);
              }
              return method;
            },
          },
        );
        delegates.set(property, delegate);
      }
      return delegate;
    },
  }) as unknown as ShardedClient<Client>;
}

/** The shard's client with every call checked to stay on it (cached per shard). */
function boundClient<Client extends PrismaClientLike>(shared: SharedState<Client>, shard: string): Client {
  let bound = shared.boundClients.get(shard);
  if (!bound) {
    const client = shared.clients.get(shard)!;
    const extend = client.$extends as unknown as (extension: unknown) => Client;
    bound = extend.call(client, {
      name: `shard-guard:${shard}`,
      query: {
        $allModels: {
          $allOperations({
            model,
            operation,
            args,
            query,
          }: {
            model: string;
            operation: string;
            args: Record<string, unknown> | undefined;
            query: (args: unknown) => Promise<unknown>;
          }) {
            const filled = withGeneratedIds(shared.generatedIds, model, operation, args ?? {});
            assertStaysOnShard(shared.router, shard, model, operation, filled);
            const nested = nestedWriteArguments(operation, filled);
            if (nested) checkNestedWrites(shared.router, shared.relations, { model, operation }, shard, nested);
            return query(filled);
          },
        },
      },
    });
    shared.boundClients.set(shard, bound);
  }
  return bound;
}

/**
 * `$transaction([...])` on the sharded client: allowed when every call of the batch
 * lands on one shard (checked before anything runs), then run as one transaction there.
 */
async function batchTransaction<Client extends PrismaClientLike>(
  shared: SharedState<Client>,
  batch: unknown,
  transactionOptions: unknown,
): Promise<unknown> {
  if (!Array.isArray(batch)) {
    throw new CrossShardTransactionError(
      'An interactive transaction on the sharded client cannot know its shard in advance: open it on one shard with $shard(key).$transaction(async (tx) => …).',
    );
  }
  const calls = batch.map((item) => {
    if (!(item instanceof LazyCall) || item.shape.model === undefined)
      throw new UnroutableCallError('$transaction([...]) on the sharded client takes only calls made with this client.');
    return { model: item.shape.model, operation: item.shape.operation, args: (item.shape.args ?? {}) as Record<string, unknown> };
  });
  const shards = new Set<string>();
  for (const call of calls) {
    const placement = shared.router.placementOf(call.model);
    if (placement.kind === 'reference' && isReadOperation(call.operation)) continue;
    const destination = shared.router.destinationOf(call.model, call.operation, call.args);
    if (placement.kind === 'reference' || destination.kind === 'all') {
      throw new CrossShardTransactionError(
        `${call.model}.${call.operation} in a batch transaction would touch every shard; give it the shard key "${shared.router.strategy.keyField}" so the batch stays on one shard.`,
      );
    }
    if (call.operation === 'upsert' && shared.router.shardsOfWhere(call.args.where).length !== 1) {
      // The row an upsert's where finds may live on any shard: it cannot be placed in advance.
      throw new ShardKeyRequiredError(
        call.model,
        call.operation,
        shared.router.strategy.keyField,
        'an upsert in a batch transaction must name its one shard in the where',
      );
    }
    destination.shards.forEach((shard) => shards.add(shard));
  }
  if (shards.size > 1) {
    throw new CrossShardTransactionError(
      `This batch transaction would touch shards ${[...shards].map((s) => `"${s}"`).join(', ')}; a transaction can touch one shard only. Nothing was written.`,
    );
  }
  const shard = [...shards][0] ?? shared.referenceReadShard;
  const client = shared.clients.get(shard)!;
  const run = client.$transaction as unknown as (items: unknown[], options?: unknown) => Promise<unknown>;
  return run.call(
    client,
    calls.map((call) => callDelegate(client, call.model, call.operation, call.args)),
    transactionOptions,
  );
}

function shardsApi<Client extends PrismaClientLike>(shared: SharedState<Client>): ShardsApi<Client> {
  return {
    names: shared.router.shardNames,
    on(name) {
      const client = shared.clients.get(name);
      if (!client) throw new UnroutableCallError(`There is no shard "${name}"; the shards are ${shared.router.shardNames.join(', ')}.`);
      return client;
    },
    async each(work) {
      const answers = await fanOut(
        shared.router.shardNames,
        (shard) => work(shared.clients.get(shard)!, shard),
        { model: '$shards', operation: 'each' },
        { concurrency: shared.concurrency },
      );
      return answers.map((answer) => ({ shard: answer.shard, result: answer.value }));
    },
    shardOf: (key) => shared.router.shardForKey(key),
  };
}
