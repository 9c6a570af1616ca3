import {
  DelegateMethod,
  FluentCalls,
  isModelDelegate,
  isReadOperation,
  LazyCall,
  modelNameOf,
  RAW_EXECUTES,
  RAW_QUERIES,
  readThroughProxy,
  RelationFields,
} from '../prisma-call/index.js';
import { currentSessionKey } from '../context/session-key.js';
import { currentReadConsistency, type ReadConsistency } from './read-consistency.js';
import type { ReadWriteRouter } from './read-write-router.js';
import { ReplicaWriteError } from './replica-write.error.js';

/**
 * The client a service uses: the primary's Prisma client type, plus `$primary()` and
 * `$replica()` as in `@prisma/extension-read-replicas`.
 */
export type ReplicatedClient<C> = C & {
  /** Every call on the returned client goes to the primary (reads included). */
  $primary(): C;
  /** Reads on the returned client go to a healthy replica even over the lag bound; writes are refused. */
  $replica(): C;
};

type Mode = 'auto' | 'primary' | 'replica';
type AnyClient = Record<PropertyKey, any>;

/**
 * The scope a call runs in (read consistency, read-your-writes session) is taken when the call is
 * made, not when it is awaited, so `withReadConsistency('fresh', () => db.item.findMany())` works.
 *
 * Builds the routed client: a Proxy over the primary's Prisma client that keeps the extension's
 * rules (transactions, writes and raw SQL → primary; model reads → a replica) but lets our
 * selector choose the node.
 *
 * Why a Proxy and not a Prisma client extension (`$extends` with `query.$allOperations`, which is
 * how the official extension works): measured on this project's machines, any `$allOperations`
 * hook costs ~25-30 % of throughput at concurrency 16, because the extension pipeline delays the
 * call past the tick in which Prisma batches concurrent `findUnique` calls into one query.
 * Calling the chosen node's delegate directly, in the same tick, keeps that batching and stays
 * within a few percent of bare Prisma (see bench/).
 */
export function createRoutedClient<C extends object>(router: ReadWriteRouter<C>, options: RoutedClientOptions = {}): ReplicatedClient<C> {
  return routedClientOver(router, (client) => client as AnyClient, options);
}

export interface RoutedClientOptions {
  /** The `timeout` of an interactive `$transaction` that does not give its own (the topology's `transactionTimeoutMs`). */
  readonly transactionTimeoutMs?: number;
}

/**
 * The routed client whose calls run on `onNode(node's client)`: the node's own client, or for a
 * client made by `$extends(extension)`, that node's client extended the same way. Routing is
 * decided first, by the call as the caller made it; the extension then runs on the chosen node
 * (a query extension sees the call there, a result extension computes its fields there).
 */
function routedClientOver<C extends object>(
  router: ReadWriteRouter<C>,
  onNode: (client: C) => AnyClient,
  options: RoutedClientOptions,
): ReplicatedClient<C> {
  const primaryClient = onNode(router.primary.client);
  const views = new Map<Mode, ReplicatedClient<C>>();
  const fluent = new FluentCalls(RelationFields.of(primaryClient));
  const view = (mode: Mode): ReplicatedClient<C> => {
    const existing = views.get(mode);
    if (existing) return existing;
    const created: ReplicatedClient<C> = buildView(router, primaryClient, mode, view, onNode, fluent, options);
    views.set(mode, created);
    return created;
  };
  return view('auto');
}

function buildView<C extends object>(
  router: ReadWriteRouter<C>,
  primaryClient: AnyClient,
  mode: Mode,
  view: (mode: Mode) => unknown,
  onNode: (client: C) => AnyClient,
  fluent: FluentCalls,
  options: RoutedClientOptions,
): any {
  const consistency = (): ReadConsistency => (mode === 'primary' ? 'primary' : mode === 'replica' ? 'stale-ok' : currentReadConsistency());
  const delegates = new Map<string, unknown>();
  const members = new Map<PropertyKey, unknown>();

  const refuseOnReplica = (operation: string) => {
    if (mode === 'replica') throw new ReplicaWriteError(operation);
  };

  const modelDelegate = (model: string, delegate: AnyClient) => {
    const modelName = modelNameOf(model);
    // Each operation's method, made once: a delegate's methods are read on every call.
    const methods = new Map<PropertyKey, unknown>();
    return readThroughProxy(delegate, (operation) => {
      const known = methods.get(operation);
      if (known) return known;
      const value = Reflect.get(delegate, operation);
      if (typeof operation !== 'string' || typeof value !== 'function') return value;
      const method = routedOperation(model, modelName, operation);
      methods.set(operation, method);
      return method;
    });
  };

  /** `db.<model>.<operation>`: each call a lazy call routed as a read or a write, with the fluent API where Prisma has it. */
  const routedOperation = (model: string, modelName: string, operation: string) => {
    const reads = isReadOperation(operation);
    // Runs on the chosen node's client (as `onNode` gives it), its delegate and method looked up once per node.
    const onChosen = new DelegateMethod(modelName, operation);
    const makeCall = (args: unknown, withFluentMethods: boolean): LazyCall => {
      let execute: () => Promise<unknown>;
      if (reads) {
        const readConsistency = consistency();
        const session = currentSessionKey();
        execute = () => router.read(operation, readConsistency, session, (client) => onChosen.call(onNode(client), args));
      } else {
        refuseOnReplica(`${model}.${operation}`);
        const session = currentSessionKey();
        execute = () => router.write(operation, 'write', session, (client) => onChosen.call(onNode(client), args));
      }
      const shape = { model, operation, args };
      const inBatch = (transaction: unknown) => primaryClient[model][operation](args).requestTransaction(transaction);
      return withFluentMethods ? fluent.make(modelName, args, shape, execute, inBatch, plainCall) : new LazyCall(shape, execute, inBatch);
    };
    // A relation followed from a call (`findUnique(…).notes()`) runs the same operation with other arguments.
    const plainCall = (args: unknown) => makeCall(args, false);
    return (args?: unknown) => makeCall(args, true);
  };

  const member = (property: string): unknown => {
    if (property === '$primary') return () => view('primary');
    if (property === '$replica') return () => view('replica');
    if (property === '$extends') {
      // Every node's client gets the extension (once), and the result routes as this client does.
      return (extension: unknown) => {
        const extended = new Map<C, AnyClient>();
        const routed = routedClientOver(
          router,
          (client) => {
            let done = extended.get(client);
            if (!done) {
              done = onNode(client).$extends(extension) as AnyClient;
              extended.set(client, done);
            }
            return done;
          },
          options,
        );
        return mode === 'auto' ? routed : (routed as AnyClient)[mode === 'primary' ? '$primary' : '$replica']();
      };
    }
    if (property === '$transaction') {
      return (input: unknown, transactionOptions?: Record<string, unknown>) => {
        refuseOnReplica('$transaction');
        // An interactive transaction is bounded by the topology's timeout unless the caller gives one.
        const bounded =
          typeof input === 'function' && options.transactionTimeoutMs !== undefined
            ? { timeout: options.transactionTimeoutMs, ...transactionOptions }
            : transactionOptions;
        return router.write('$transaction', 'transaction', currentSessionKey(), (client) => onNode(client).$transaction(input, bounded));
      };
    }
    if (RAW_QUERIES.has(property) && mode === 'replica') {
      // As with the official extension, raw SQL asked of `$replica()` is a read and runs on a replica.
      return (...args: unknown[]) =>
        new LazyCall(
          { operation: property, args },
          () => router.read(property, 'stale-ok', undefined, (client) => onNode(client)[property](...args)),
          (transaction) => primaryClient[property](...args).requestTransaction(transaction),
        );
    }
    if (RAW_QUERIES.has(property) || RAW_EXECUTES.has(property)) {
      const writes = RAW_EXECUTES.has(property);
      return (...args: unknown[]) => {
        if (writes) refuseOnReplica(property);
        const session = writes ? currentSessionKey() : undefined;
        return new LazyCall(
          { operation: property, args },
          () => router.write(property, 'raw', session, (client) => onNode(client)[property](...args)),
          (transaction) => primaryClient[property](...args).requestTransaction(transaction),
        );
      };
    }
    return undefined;
  };

  return new Proxy(primaryClient, {
    get(target, property) {
      let value = members.get(property);
      if (value !== undefined) return value;
      if (typeof property === 'string') value = member(property);
      if (value === undefined) {
        const original = Reflect.get(target, property, target);
        if (isModelDelegate(property, original)) {
          value = delegates.get(property) ?? modelDelegate(property, original);
          delegates.set(property, value);
        } else if (typeof original === 'function') {
          // `$connect`, `$on`, `$extends`...: the primary's own, bound to it.
          value = original.bind(target);
        } else {
          return original;
        }
      }
      members.set(property, value);
      return value;
    },
  });
}
