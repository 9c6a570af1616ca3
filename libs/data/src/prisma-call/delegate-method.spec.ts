import { describe, expect, it } from 'vitest';
import { DelegateMethod } from './delegate-method.js';

/** A client whose property reads are counted, as a Prisma client's proxy traps would be run. */
function countingClient() {
  const reads = { client: 0, delegate: 0 };
  const delegate = new Proxy(
    {
      findMany(this: unknown, args: unknown) {
        return Promise.resolve({ args, delegateIsThis: this === proxiedDelegate });
      },
    },
    {
      get(target, property, receiver) {
        reads.delegate++;
        return Reflect.get(target, property, receiver);
      },
    },
  );
  const proxiedDelegate = delegate;
  const client = new Proxy(
    { transactionEvent: delegate },
    {
      get(target, property, receiver) {
        reads.client++;
        return Reflect.get(target, property, receiver);
      },
    },
  );
  return { client, reads };
}

describe('DelegateMethod', () => {
  it('calls the operation on the model delegate of each client, with the delegate as `this`', async () => {
    const first = countingClient();
    const second = countingClient();
    const findMany = new DelegateMethod('TransactionEvent', 'findMany');
    await expect(findMany.call(first.client, { take: 1 })).resolves.toEqual({ args: { take: 1 }, delegateIsThis: true });
    await expect(findMany.call(second.client, { take: 2 })).resolves.toEqual({ args: { take: 2 }, delegateIsThis: true });
  });

  it('looks the delegate and the method up once per client', async () => {
    const { client, reads } = countingClient();
    const findMany = new DelegateMethod('TransactionEvent', 'findMany');
    await findMany.call(client, {});
    const afterFirst = { ...reads };
    for (let i = 0; i < 5; i++) await findMany.call(client, {});
    expect(reads).toEqual(afterFirst);
  });

  it('names what is missing, as callDelegate does', () => {
    const { client } = countingClient();
    expect(() => new DelegateMethod('TransactionEvent', 'upsert').call(client, {})).toThrow('The client has no transactionEvent.upsert()');
    expect(() => new DelegateMethod('Contract', 'findMany').call(client, {})).toThrow('declares model Contract');
  });
});
