/**
 * A model call on the sharded client. Like Prisma's own PrismaPromise it does nothing
 * until awaited, so it can also be handed to `$transaction([...])`, which checks that
 * every call of the batch lands on one shard before anything runs.
 */
export class LazyCall<T = unknown> implements PromiseLike<T> {
  private running: Promise<T> | undefined;

  constructor(
    readonly model: string,
    readonly operation: string,
    readonly args: Record<string, unknown>,
    private readonly execute: () => Promise<T>,
  ) {}

  get [Symbol.toStringTag](): string {
    return 'PrismaPromise';
  }

  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.start().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.start().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.start().finally(onFinally);
  }

  private start(): Promise<T> {
    this.running ??= Promise.resolve().then(this.execute);
    return this.running;
  }
}
