/**
 * The promise a routing client returns for one call. Like Prisma's own `PrismaPromise` it does
 * nothing until awaited (`then`, `catch`, `finally`), then starts in that very tick, so Prisma can
 * still batch concurrent `findUnique` calls into one query; it runs once however often it is
 * awaited. It can be handed to a batch `$transaction([...])`:
 * - of a Prisma client, when made with `inBatchTransaction` (Prisma calls `requestTransaction`,
 *   and the call hands Prisma the call it stands for on that client);
 * - of a sharded client, which reads `model`, `operation` and `args` to find the one shard of the batch.
 */
export class LazyCall<T = unknown> implements PromiseLike<T> {
  readonly [Symbol.toStringTag] = 'PrismaPromise';
  /** Present only when the call can join a Prisma client's batch transaction (see the class comment). */
  declare readonly requestTransaction?: (transaction: unknown) => unknown;
  private started?: Promise<T>;

  constructor(
    /** What the call is: `{ model: 'Transaction', operation: 'findMany', args }`, or `{ operation: '$queryRaw' }`. */
    readonly shape: { readonly model?: string; readonly operation: string; readonly args?: unknown },
    private readonly execute: () => PromiseLike<T>,
    inBatchTransaction?: (transaction: unknown) => unknown,
  ) {
    if (inBatchTransaction) this.requestTransaction = inBatchTransaction;
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.start().then(onFulfilled, onRejected);
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.start().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.start().finally(onFinally);
  }

  private start(): Promise<T> {
    if (!this.started) {
      try {
        this.started = Promise.resolve(this.execute());
      } catch (error) {
        // A call that fails before it returns a promise still fails as a promise does.
        this.started = Promise.reject(error as Error);
      }
    }
    return this.started;
  }
}
