import { describe, expect, it } from 'vitest';
import { fanOut, type ShardFailure } from './fan-out.js';
import { ShardQueryError } from './sharding.errors.js';

const what = { model: 'Transaction', operation: 'findMany' };

describe('fanOut', () => {
  it('answers in shard order and never runs more than the concurrency at once', async () => {
    let running = 0;
    let peak = 0;
    const answers = await fanOut(
      ['s0', 's1', 's2', 's3', 's4'],
      async (shard) => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, shard === 's0' ? 20 : 1));
        running -= 1;
        return shard.toUpperCase();
      },
      what,
      { concurrency: 2 },
    );
    expect(answers.map((answer) => answer.value)).toEqual(['S0', 'S1', 'S2', 'S3', 'S4']);
    expect(peak).toBe(2);
  });

  it('fails with an error naming the shard and keeping the cause', async () => {
    const cause = new Error('connection refused');
    const error = await fanOut(
      ['s0', 's1'],
      async (shard) => {
        if (shard === 's1') throw cause;
        return 1;
      },
      what,
      { concurrency: 2 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShardQueryError);
    expect((error as ShardQueryError).message).toBe('Transaction.findMany failed on shard "s1": connection refused');
    expect((error as ShardQueryError).cause).toBe(cause);
    expect((error as ShardQueryError).code).toBe('SHARD_QUERY_FAILED');
  });

  it('leaves failing shards out and lists them when partial results are allowed', async () => {
    const failures: ShardFailure[] = [];
    const answers = await fanOut(
      ['s0', 's1', 's2'],
      async (shard) => {
        if (shard === 's1') throw new Error('down');
        return shard;
      },
      what,
      { concurrency: 3, failures },
    );
    expect(answers.map((answer) => answer.shard)).toEqual(['s0', 's2']);
    expect(failures.map((failure) => failure.shard)).toEqual(['s1']);
  });
});
