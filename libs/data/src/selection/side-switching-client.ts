import { classifyPrismaCall, isModelDelegate } from '../prisma-call/index.js';
import type { OperationKind, Side } from './side.js';

/** What the switching client needs from a selector (a `ConnectionSelector`, or a fake in tests). */
export interface SideChooser {
  select(service: string, kind: OperationKind): Side;
}

export interface SideSwitchingClientOptions<C extends object> {
  /** The service the calls belong to, as the selector knows it (e.g. `storage`). */
  readonly service: string;
  /** The client on the monolith side: the service's Prisma client against its schema in neo_service_layer. */
  readonly monolith: C;
  /** The client on the service side: its own (replicated, possibly sharded) client. */
  readonly own: C;
  readonly selector: SideChooser;
  /** How a call is classified; default `classifyPrismaCall`. */
  readonly classify?: (path: readonly [string] | readonly [string, string]) => OperationKind;
}

/** Client methods that concern both sides at once. */
const BOTH_SIDES = new Set(['$connect', '$disconnect']);

/**
 * One client over two: each call is sent, when it is made, to the side the selector picks for
 * it (`client.user.findMany(…)` asks for a read side, `client.$transaction(…)` for the write
 * side; a transaction runs whole on one side). `$connect`/`$disconnect` go to both, and
 * `$extends(…)` extends both and switches between the results. A batch `$transaction([...])`
 * runs on the write side, and each call in the array picked its side when it was made: put
 * only writes in a batch, or use the interactive form (`$transaction(async (tx) => …)`), whose
 * calls all run on the transaction's side. Both clients must be of the
 * same generated Prisma client (or share its shape): the monolith side is that client pointed
 * at the service's schema in neo_service_layer.
 */
export function createSideSwitchingClient<C extends object>(options: SideSwitchingClientOptions<C>): C {
  const { service, monolith, own, selector } = options;
  const classify = options.classify ?? classifyPrismaCall;
  const sideClient = (kind: OperationKind): C => (selector.select(service, kind) === 'service' ? own : monolith);
  const delegates = new Map<string, object>();

  const modelDelegate = (model: string): object => {
    let delegate = delegates.get(model);
    if (!delegate) {
      const methods = new Map<PropertyKey, unknown>();
      delegate = new Proxy(Object.create(null) as object, {
        get(_target, method) {
          if (typeof method !== 'string') return Reflect.get(Reflect.get(own, model) as object, method);
          let forward = methods.get(method);
          if (!forward) {
            const kind = classify([model, method]);
            forward = (...args: unknown[]) => {
              const target = Reflect.get(sideClient(kind), model) as object;
              return callOn(target, method, args);
            };
            methods.set(method, forward);
          }
          return forward;
        },
      });
      delegates.set(model, delegate);
    }
    return delegate;
  };

  return new Proxy(Object.create(null) as C, {
    get(_target, property) {
      const known = typeof property === 'string' ? delegates.get(property) : undefined;
      if (known) return known;
      const value: unknown = Reflect.get(own, property);
      if (typeof property !== 'string') return value;
      if (typeof value === 'function') {
        if (BOTH_SIDES.has(property)) {
          return async (...args: unknown[]) => {
            await Promise.all([callOn(monolith, property, args), callOn(own, property, args)]);
          };
        }
        if (property === '$extends') {
          return (...args: unknown[]) =>
            createSideSwitchingClient({
              ...options,
              monolith: callOn(monolith, property, args) as C,
              own: callOn(own, property, args) as C,
            });
        }
        const kind = classify([property]);
        return (...args: unknown[]) => callOn(sideClient(kind), property, args);
      }
      // Model delegates switch per call; anything else (plain values) is read from the service side.
      if (isModelDelegate(property, value)) return modelDelegate(property);
      return value;
    },
    has(_target, property) {
      return Reflect.has(own, property);
    },
  });
}

function callOn(client: object, method: string, args: unknown[]): unknown {
  const fn = Reflect.get(client, method) as (...a: unknown[]) => unknown;
  return fn.apply(client, args);
}
