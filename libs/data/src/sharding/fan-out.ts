import { ShardQueryError } from './sharding.errors.js';

/** A shard that did not answer a call made with partial results allowed. */
export interface ShardFailure {
  shard: string;
  error: unknown;
}

export interface FanOutOptions {
  /** At most this many shards are queried at the same time. */
  concurrency: number;
  /** When given, failing shards are recorded here and left out instead of failing the call. */
  failures?: ShardFailure[];
}

/**
 * Runs `call` on each shard with bounded concurrency and returns the answers in shard
 * order. Without `failures`, the first failing shard fails the whole call with a
 * ShardQueryError naming it (after the calls already running have settled).
 *
 * Hand-written rather than p-limit: the project has no direct dependency on it, and
 * the loop is a dozen lines.
 */
export async function fanOut<T>(
  shards: readonly string[],
  call: (shard: string) => Promise<T>,
  what: { model: string; operation: string },
  options: FanOutOptions,
): Promise<Array<{ shard: string; value: T }>> {
  const answers: Array<{ shard: string; value: T } | undefined> = new Array(shards.length);
  let next = 0;
  let failure: ShardQueryError | undefined;
  const worker = async () => {
    while (next < shards.length && !failure) {
      const index = next++;
      const shard = shards[index]!;
      try {
        answers[index] = { shard, value: await call(shard) };
      } catch (error) {
        if (options.failures) options.failures.push({ shard, error });
        else failure ??= new ShardQueryError(shard, what.model, what.operation, error);
      }
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency, shards.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure) throw failure;
  return answers.filter((answer): answer is { shard: string; value: T } => answer !== undefined);
}
