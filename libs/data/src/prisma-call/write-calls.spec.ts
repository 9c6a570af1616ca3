import { describe, expect, it } from 'vitest';
import { wrapWriteCalls, type RunWriteCall } from './write-calls.js';

/** A lazy promise like Prisma's: records when it starts, and carries Prisma's batch hook. */
function lazy(value: string, started: string[]): PromiseLike<string> & { requestTransaction: () => string } {
  return {
    then: (onFulfilled, onRejected) => {
      started.push(value);
      return Promise.resolve(value).then(onFulfilled, onRejected);
    },
    requestTransaction: () => `batched ${value}`,
  };
}

function fakeClient(started: string[], made: string[] = []) {
  const client = {
    user: {
      findMany: () => lazy('user.findMany', started),
      create: () => {
        made.push('user.create');
        return lazy('user.create', started);
      },
      somethingNew: () => lazy('user.somethingNew', started),
    },
    $executeRaw: () => lazy('$executeRaw', started),
    $transaction: (arg: unknown) => (typeof arg === 'function' ? lazy('interactive', started) : lazy('batch', started)),
    $extends: () => fakeClient(started),
  };
  return client;
}

function recordingRun(names: string[]): RunWriteCall {
  return (name, first) => {
    names.push(name);
    return Promise.resolve(first);
  };
}

describe('wrapWriteCalls', () => {
  it('hands model writes and raw SQL to run, and leaves reads alone', async () => {
    const names: string[] = [];
    const client = wrapWriteCalls(fakeClient([]), { run: recordingRun(names) });
    await client.user.findMany();
    await client.user.create();
    await client.user.somethingNew();
    await client.$executeRaw();
    expect(names).toEqual(['user.create', 'user.somethingNew', '$executeRaw']);
  });

  it('wraps interactive transactions only when asked, and never a batch', async () => {
    const names: string[] = [];
    const plain = wrapWriteCalls(fakeClient([]), { run: recordingRun(names) });
    await plain.$transaction(() => undefined);
    expect(names).toEqual([]);
    const interactive = wrapWriteCalls(fakeClient([]), { run: recordingRun(names), interactiveTransactions: true });
    await interactive.$transaction(() => undefined);
    await interactive.$transaction([]);
    expect(names).toEqual(['$transaction']);
  });

  it('stays lazy and keeps the promise usable in a batch transaction', async () => {
    const started: string[] = [];
    const client = wrapWriteCalls(fakeClient(started), { run: recordingRun([]) });
    const call = client.user.create();
    expect(started).toEqual([]);
    expect((call as unknown as { requestTransaction: () => string }).requestTransaction()).toBe('batched user.create');
    await call;
    await call;
    expect(started).toEqual(['user.create']);
  });

  it('replays through the attempt maker run is given', async () => {
    const started: string[] = [];
    const client = wrapWriteCalls(fakeClient(started), {
      run: async (_name, first, again) => {
        await first;
        return again();
      },
    });
    await client.user.create();
    expect(started).toEqual(['user.create', 'user.create']);
  });

  it('makes a deferred call only when run awaits it or a batch transaction takes it', async () => {
    const started: string[] = [];
    const made: string[] = [];
    const client = wrapWriteCalls(fakeClient(started, made), {
      deferred: (name) => name === 'user.create',
      run: async (name, first) => (name === 'user.create' && started.length === 0 ? 'answered without it' : first),
    });
    const answered = client.user.create();
    expect(made).toEqual([]);
    expect(await answered).toBe('answered without it');
    expect(made).toEqual([]);

    const batched = client.user.create() as unknown as { requestTransaction: () => string; [Symbol.toStringTag]?: string };
    expect(batched.requestTransaction()).toBe('batched user.create');
    expect(made).toEqual(['user.create']);

    started.push('something ran');
    expect(await client.user.create()).toBe('user.create');
    expect(made).toEqual(['user.create', 'user.create']);
  });

  it('keeps wrapping the client $extends returns', async () => {
    const names: string[] = [];
    const client = wrapWriteCalls(fakeClient([]), { run: recordingRun(names) });
    await client.$extends().user.create();
    expect(names).toEqual(['user.create']);
  });

  it('leaves the client $extends returns unwrapped when told to', async () => {
    const names: string[] = [];
    const started: string[] = [];
    const client = wrapWriteCalls(fakeClient(started), { run: recordingRun(names), wrapExtendedClients: false });
    expect(await client.$extends().user.create()).toBe('user.create');
    expect(names).toEqual([]);
    expect(started).toEqual(['user.create']);
    await client.user.create();
    expect(names).toEqual(['user.create']);
  });
});
