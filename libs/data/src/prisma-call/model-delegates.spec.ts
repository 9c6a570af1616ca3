import { describe, expect, it } from 'vitest';
import { callDelegate, delegateNameOf, isModelDelegate, modelDelegateOf, modelNameOf } from './model-delegates.js';
import { classifyPrismaCall, isReadOperation } from './operations.js';

const client = {
  transactionEvent: { findMany: (args: unknown) => Promise.resolve({ args }), create: () => Promise.resolve('created') },
  $transaction: () => Promise.resolve(),
  _engine: { findMany: () => undefined },
  settings: { retries: 3 },
};

describe('model delegates', () => {
  it('names a model and its delegate both ways', () => {
    expect(delegateNameOf('TransactionEvent')).toBe('transactionEvent');
    expect(modelNameOf('transactionEvent')).toBe('TransactionEvent');
  });

  it('recognises model delegates only, not client methods, internals or plain values', () => {
    expect(modelDelegateOf(client, 'transactionEvent')).toBe(client.transactionEvent);
    expect(modelDelegateOf(client, '$transaction')).toBeUndefined();
    expect(modelDelegateOf(client, '_engine')).toBeUndefined();
    expect(modelDelegateOf(client, 'settings')).toBeUndefined();
    expect(modelDelegateOf(client, 'missing')).toBeUndefined();
    expect(isModelDelegate(Symbol.iterator, client.transactionEvent)).toBe(false);
  });

  it('calls an operation on a model by its model name, and names what is missing', async () => {
    await expect(callDelegate(client, 'TransactionEvent', 'findMany', { take: 1 })).resolves.toEqual({ args: { take: 1 } });
    expect(() => callDelegate(client, 'TransactionEvent', 'upsert', {})).toThrow('The client has no transactionEvent.upsert()');
    expect(() => callDelegate(client, 'Contract', 'findMany', {})).toThrow('declares model Contract');
  });
});

describe('operations', () => {
  it('classifies model reads as reads and everything else as writes', () => {
    expect(isReadOperation('findUniqueOrThrow')).toBe(true);
    expect(isReadOperation('upsert')).toBe(false);
    expect(classifyPrismaCall(['item', 'count'])).toBe('read');
    expect(classifyPrismaCall(['item', 'createMany'])).toBe('write');
    expect(classifyPrismaCall(['$replica'])).toBe('read');
    expect(classifyPrismaCall(['$queryRaw'])).toBe('write');
    expect(classifyPrismaCall(['item', 'somethingNew'])).toBe('write');
  });
});
