import { describe, expect, it, vi } from 'vitest';
import { LazyCall } from './lazy-call.js';

describe('LazyCall', () => {
  it('does nothing until awaited, then starts in the same tick and runs once', async () => {
    const execute = vi.fn(() => Promise.resolve(42));
    const call = new LazyCall({ model: 'Item', operation: 'findMany', args: {} }, execute);
    expect(execute).not.toHaveBeenCalled();

    const first = call.then((value) => value);
    // Started by `then` itself, before any microtask ran: Prisma can batch it with calls of this tick.
    expect(execute).toHaveBeenCalledTimes(1);
    await expect(first).resolves.toBe(42);
    await expect(call).resolves.toBe(42);
    expect(execute).toHaveBeenCalledTimes(1);
  });

  it('turns an error thrown before a promise exists into a rejection', async () => {
    const call = new LazyCall({ operation: '$queryRaw' }, () => {
      throw new Error('refused before sending');
    });
    await expect(call).rejects.toThrow('refused before sending');
    await expect(call.catch((error: unknown) => (error as Error).message)).resolves.toBe('refused before sending');
  });

  it('offers requestTransaction only when it can join a Prisma batch transaction', () => {
    const plain = new LazyCall({ model: 'Item', operation: 'create' }, () => Promise.resolve(1));
    expect('requestTransaction' in plain).toBe(false);

    const inBatch = vi.fn((transaction: unknown) => `primary call in ${String(transaction)}`);
    const joinable = new LazyCall({ model: 'Item', operation: 'create' }, () => Promise.resolve(1), inBatch);
    expect(joinable.requestTransaction?.('batch-1')).toBe('primary call in batch-1');
    expect(Object.prototype.toString.call(joinable)).toBe('[object PrismaPromise]');
  });

  it('keeps what the call is, for a sharded batch to find its shard', () => {
    const call = new LazyCall({ model: 'Transaction', operation: 'create', args: { data: { userId: 7 } } }, () => Promise.resolve());
    expect(call.shape).toEqual({ model: 'Transaction', operation: 'create', args: { data: { userId: 7 } } });
  });
});
