/**
 * The promise a routed client call returns. Like Prisma's own `PrismaPromise` it is lazy (the
 * query starts when it is awaited; its scope was captured when it was made)
 * and it can be passed to `$transaction([...])`: there it hands Prisma the primary's call,
 * since a batch transaction runs on the primary.
 */
export class RoutedCall<T> implements PromiseLike<T> {
  readonly [Symbol.toStringTag] = 'PrismaPromise';
  private started?: Promise<T>;

  constructor(
    private readonly execute: () => Promise<T>,
    private readonly onPrimaryInTransaction: (transaction: unknown) => unknown,
  ) {}

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

  /** Called by Prisma's `$transaction([...])` on each element. */
  requestTransaction(transaction: unknown): unknown {
    return this.onPrimaryInTransaction(transaction);
  }

  private start(): Promise<T> {
    this.started ??= this.execute();
    return this.started;
  }
}
