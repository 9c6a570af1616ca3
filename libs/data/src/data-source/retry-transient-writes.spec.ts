import { describe, expect, it } from 'vitest';
import { retryTransientWrites, transientWriteCode, type TransientRetryEvent } from './retry-transient-writes.js';

/** A deadlock victim as Prisma 7 reports it with adapter-pg. */
function prismaConflict(originalCode: '40P01' | '40001'): Error {
  return Object.assign(new Error('Transaction failed due to a write conflict or a deadlock. Please retry your transaction'), {
    code: 'P2034',
    meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'TransactionWriteConflict', originalCode } } },
  });
}

/** Prisma's promises are lazy: the query runs when awaited, once. This one records that, and keeps a member of its own. */
function lazyCall(run: () => Promise<string>, runs: string[], label: string): PromiseLike<string> & { requestTransaction(): string } {
  let started: Promise<string> | undefined;
  return {
    then: (onFulfilled, onRejected) => {
      started ??= (runs.push(label), run());
      return started.then(onFulfilled, onRejected);
    },
    requestTransaction: () => `${label} in a batch`,
  };
}

/** A client whose writes fail with `failures`, in order, before they succeed. */
function fakeClient(failures: unknown[], runs: string[]) {
  const next = async (result: string) => {
    const failure = failures.shift();
    if (failure) throw failure;
    return result;
  };
  return {
    item: {
      create: (args: { data: string }) => lazyCall(() => next(`created ${args.data}`), runs, 'create'),
      findMany: () => lazyCall(() => next('read'), runs, 'findMany'),
    },
    $executeRaw: (strings: TemplateStringsArray, ...values: unknown[]) =>
      lazyCall(() => next(`raw ${strings.join('?')} ${values.join()}`), runs, 'raw'),
    $transaction: async (work: () => Promise<string>) => {
      runs.push('transaction');
      return work();
    },
    $extends: () => fakeClient(failures, runs),
  };
}

describe('transientWriteCode', () => {
  it('finds a deadlock or serialization failure however it is wrapped, and nothing else', () => {
    expect(transientWriteCode({ code: '40P01' })).toBe('40P01');
    expect(transientWriteCode(prismaConflict('40001'))).toBe('40001');
    expect(transientWriteCode(prismaConflict('40P01'))).toBe('40P01');
    expect(transientWriteCode(new Error('wrapped', { cause: { code: '40P01' } }))).toBe('40P01');
    expect(transientWriteCode({ code: 'P2010', meta: { code: '40001', message: 'could not serialize access' } })).toBe('40001');
    expect(transientWriteCode({ code: 'P2034' })).toBe('40001');
    expect(transientWriteCode({ code: '23505' })).toBeUndefined();
    expect(transientWriteCode({ code: 'P2002' })).toBeUndefined();
    expect(transientWriteCode(new Error('boom'))).toBeUndefined();
    expect(transientWriteCode(undefined)).toBeUndefined();
  });
});

describe('retryTransientWrites', () => {
  it('runs a model write again after it was a deadlock victim, and tells', async () => {
    const runs: string[] = [];
    const events: TransientRetryEvent[] = [];
    const db = retryTransientWrites(fakeClient([prismaConflict('40P01'), prismaConflict('40001')], runs), {
      baseDelayMs: 1,
      onRetry: (event) => events.push(event),
    });
    expect(await db.item.create({ data: 'a' })).toBe('created a');
    expect(runs).toEqual(['create', 'create', 'create']);
    expect(events.map(({ call, code, attempt }) => ({ call, code, attempt }))).toEqual([
      { call: 'item.create', code: '40P01', attempt: 1 },
      { call: 'item.create', code: '40001', attempt: 2 },
    ]);
  });

  it('runs a raw statement again with the same arguments', async () => {
    const runs: string[] = [];
    const db = retryTransientWrites(fakeClient([{ code: '40P01' }], runs), { baseDelayMs: 1 });
    expect(await db.$executeRaw`UPDATE item SET value = ${1}`).toBe('raw UPDATE item SET value = ? 1');
    expect(runs).toEqual(['raw', 'raw']);
  });

  it('gives up after maxRetries replays with the last error', async () => {
    const runs: string[] = [];
    const db = retryTransientWrites(fakeClient([{ code: '40P01' }, { code: '40P01' }, { code: '40P01', n: 3 }], runs), {
      maxRetries: 2,
      baseDelayMs: 1,
    });
    await expect(db.item.create({ data: 'a' })).rejects.toEqual({ code: '40P01', n: 3 });
    expect(runs).toEqual(['create', 'create', 'create']);
  });

  it('leaves other errors, reads, transactions and batch members alone', async () => {
    const runs: string[] = [];
    const db = retryTransientWrites(fakeClient([{ code: '23505' }], runs), { baseDelayMs: 1 });
    await expect(db.item.create({ data: 'a' })).rejects.toEqual({ code: '23505' });
    expect(runs).toEqual(['create']);

    const readFailure = retryTransientWrites(fakeClient([{ code: '40001' }], []), { baseDelayMs: 1 });
    await expect(readFailure.item.findMany()).rejects.toEqual({ code: '40001' });

    // An interactive transaction is not replayed: the failure inside reaches the caller.
    const inTransaction = retryTransientWrites(fakeClient([], runs), { baseDelayMs: 1 });
    await expect(inTransaction.$transaction(() => Promise.reject(prismaConflict('40P01')))).rejects.toMatchObject({ code: 'P2034' });

    // A call handed to a batch `$transaction([...])` keeps Prisma's own members.
    expect(db.item.create({ data: 'b' }).requestTransaction()).toBe('create in a batch');
  });

  it('is lazy like Prisma: nothing runs before the call is awaited, and it runs once however often it is awaited', async () => {
    const runs: string[] = [];
    const db = retryTransientWrites(fakeClient([], runs));
    const call = db.item.create({ data: 'a' });
    expect(runs).toEqual([]);
    expect(await call).toBe('created a');
    expect(await call).toBe('created a');
    expect(runs).toEqual(['create']);
  });

  it('keeps retrying on a client made with $extends', async () => {
    const runs: string[] = [];
    const db = retryTransientWrites(fakeClient([{ code: '40P01' }], runs), { baseDelayMs: 1 }).$extends();
    expect(await db.item.create({ data: 'a' })).toBe('created a');
    expect(runs).toEqual(['create', 'create']);
  });
});
