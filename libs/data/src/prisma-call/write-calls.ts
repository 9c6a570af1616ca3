import { isModelDelegate } from './model-delegates.js';
import { classifyPrismaCall, RAW_EXECUTES, RAW_QUERIES } from './operations.js';

/**
 * How a wrapped write runs: given its first attempt (a lazy Prisma promise: it runs only if
 * awaited), a way to make another attempt of the same call, and the call's arguments.
 */
export type RunWriteCall = (name: string, first: PromiseLike<unknown>, again: () => unknown, args: readonly unknown[]) => Promise<unknown>;

export interface WriteCallOptions {
  /** Runs each write (e.g. awaits `first` and replays `again()` on some errors). */
  readonly run: RunWriteCall;
  /** Also hand interactive `$transaction(async (tx) => …)` calls to `run` (the whole function again). Default false. */
  readonly interactiveTransactions?: boolean;
  /**
   * Writes (by name, `note.create`) whose Prisma call is made only once it is needed — when `run`
   * awaits `first`, or a batch `$transaction([...])` takes the call — not when the caller makes
   * it. Making a Prisma model call captures a stack for its error messages: ~40 % of the client
   * CPU of a create coalesced into a raw INSERT (40–52 µs a row with it, 20–24 without; measured
   * at concurrency 64), which a call sent some other way need not pay. Default: none.
   */
  readonly deferred?: (name: string) => boolean;
  /**
   * Whether a client made by `$extends` is wrapped too (default true). False: it is the wrapped
   * client's own `$extends`, so its query and result extensions see every call as the caller
   * made it, which `run` may not (a coalesced batch is not the caller's `create`).
   */
  readonly wrapExtendedClients?: boolean;
}

const RAW_CALLS: ReadonlySet<string> = new Set([...RAW_QUERIES, ...RAW_EXECUTES]);

/**
 * Wraps a Prisma client so that every write — model writes (`create`, `update`, `deleteMany`, …),
 * raw SQL and, when asked, interactive transactions — goes through `options.run`. Reads and
 * everything else pass through untouched. `$extends` keeps the wrapping unless told otherwise.
 *
 * The returned call stays a lazy Prisma promise: nothing runs until it is awaited, and its own
 * members (`requestTransaction`) stay reachable so it still joins a batch `$transaction([...])`,
 * where Prisma runs it itself, without `run`.
 */
export function wrapWriteCalls<C extends object>(client: C, options: WriteCallOptions): C {
  const wrapped = (name: string, call: () => unknown, args: readonly unknown[]): unknown => {
    if (options.deferred?.(name)) return deferredCall(name, call, args);
    const first = call();
    if (first === null || typeof first !== 'object' || typeof (first as PromiseLike<unknown>).then !== 'function') return first;
    let started: Promise<unknown> | undefined;
    const execute = (): Promise<unknown> => (started ??= options.run(name, first as PromiseLike<unknown>, call, args));
    return new Proxy(first, {
      get(target, property) {
        if (property === 'then') return (onFulfilled?: never, onRejected?: never) => execute().then(onFulfilled, onRejected);
        if (property === 'catch') return (onRejected?: never) => execute().catch(onRejected);
        if (property === 'finally') return (onFinally?: never) => execute().finally(onFinally);
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };

  /** A model write whose Prisma call (a lazy Prisma promise, as model writes return) is made on first need. */
  const deferredCall = (name: string, call: () => unknown, args: readonly unknown[]): unknown => {
    let made: PromiseLike<unknown> | undefined;
    const make = (): PromiseLike<unknown> => (made ??= call() as PromiseLike<unknown>);
    const first: PromiseLike<unknown> = { then: (onFulfilled, onRejected) => make().then(onFulfilled, onRejected) };
    let started: Promise<unknown> | undefined;
    const execute = (): Promise<unknown> => (started ??= options.run(name, first, call, args));
    return new Proxy(
      {},
      {
        get(_placeholder, property) {
          if (property === 'then') return (onFulfilled?: never, onRejected?: never) => execute().then(onFulfilled, onRejected);
          if (property === 'catch') return (onRejected?: never) => execute().catch(onRejected);
          if (property === 'finally') return (onFinally?: never) => execute().finally(onFinally);
          const target = make();
          const value: unknown = Reflect.get(target, property);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      },
    );
  };

  const wrapDelegate = (model: string, delegate: object): object => {
    // Whether each method writes, decided once: a delegate's methods are read on every call.
    const writes = new Map<string, boolean>();
    const isWrite = (method: string) => {
      let write = writes.get(method);
      if (write === undefined) {
        write = classifyPrismaCall([model, method]) === 'write';
        writes.set(method, write);
      }
      return write;
    };
    return new Proxy(delegate, {
      get(target, method) {
        const value: unknown = Reflect.get(target, method);
        if (typeof method !== 'string' || typeof value !== 'function' || !isWrite(method)) return value;
        // Looked up again on each attempt: a routing client may answer with another delegate by then.
        return (...args: unknown[]) =>
          wrapped(`${model}.${method}`, () => (Reflect.get(target, method) as (...a: unknown[]) => unknown).apply(target, args), args);
      },
    });
  };

  // A model's wrapped delegate, made once: model delegates are read on every call.
  const delegates = new Map<string, object>();
  return new Proxy(client, {
    get(target, property) {
      const known = typeof property === 'string' ? delegates.get(property) : undefined;
      if (known) return known;
      const value: unknown = Reflect.get(target, property);
      if (typeof property !== 'string') return value;
      if (typeof value === 'function') {
        const method = value as (...a: unknown[]) => unknown;
        if (property === '$extends' && options.wrapExtendedClients !== false) {
          return (...args: unknown[]) => wrapWriteCalls(method.apply(target, args) as C, options);
        }
        if (RAW_CALLS.has(property)) return (...args: unknown[]) => wrapped(property, () => method.apply(target, args), args);
        if (property === '$transaction' && options.interactiveTransactions) {
          return (...args: unknown[]) =>
            typeof args[0] === 'function' ? wrapped(property, () => method.apply(target, args), args) : method.apply(target, args);
        }
        return value;
      }
      if (!isModelDelegate(property, value)) return value;
      const delegate = wrapDelegate(property, value as object);
      delegates.set(property, delegate);
      return delegate;
    },
  });
}
