import { describe, expect, it, vi } from 'vitest';
import { FluentCalls } from './fluent-call.js';
import { LazyCall } from './lazy-call.js';
import { RelationFields } from './relation-fields.js';

const relations = new RelationFields({
  models: {
    Item: {
      fields: [
        { name: 'id', kind: 'scalar', type: 'Int' },
        { name: 'owner', kind: 'object', type: 'User' },
      ],
    },
    User: { fields: [{ name: 'id', kind: 'scalar', type: 'Int' }] },
  },
});

describe('FluentCalls.make', () => {
  it('makes a plain lazy call for an operation without the fluent API, or a model without relations', async () => {
    const fluent = new FluentCalls(relations);
    const issue = vi.fn();
    const many = fluent.make('Item', {}, { model: 'item', operation: 'findMany', args: {} }, () => Promise.resolve([]), undefined, issue);
    const user = fluent.make(
      'User',
      {},
      { model: 'user', operation: 'findUnique', args: {} },
      () => Promise.resolve(null),
      undefined,
      issue,
    );
    expect(Object.getPrototypeOf(many)).toBe(LazyCall.prototype);
    expect(Object.getPrototypeOf(user)).toBe(LazyCall.prototype);
    await expect(many).resolves.toEqual([]);
  });

  it('makes one call with the relations as methods, which runs once, keeps its shape and joins batch transactions', async () => {
    const fluent = new FluentCalls(relations);
    const execute = vi.fn(() => Promise.resolve({ id: 1 }));
    const inBatch = vi.fn((transaction: unknown) => `in ${String(transaction)}`);
    const shape = { model: 'item', operation: 'findUnique', args: { where: { id: 1 } } };
    const call = fluent.make('Item', shape.args, shape, execute, inBatch, vi.fn()) as LazyCall & { owner: unknown };
    expect(typeof call.owner).toBe('function');
    expect(call.shape).toBe(shape);
    expect(call.requestTransaction?.('batch')).toBe('in batch');
    await expect(call).resolves.toEqual({ id: 1 });
    await expect(call).resolves.toEqual({ id: 1 });
    expect(execute).toHaveBeenCalledTimes(1);
  });

  it('follows a relation by issuing the call again with the relation selected, and answers the relation', async () => {
    const fluent = new FluentCalls(relations);
    const issue = vi.fn(
      (args: Record<string, unknown>) => new LazyCall({ operation: 'findUnique', args }, () => Promise.resolve({ owner: { id: 7 } })),
    );
    const rootArgs = { where: { id: 1 }, include: { owner: true } };
    const call = fluent.make(
      'Item',
      rootArgs,
      { operation: 'findUnique', args: rootArgs },
      () => Promise.resolve(null),
      undefined,
      issue,
    ) as unknown as {
      owner(args?: unknown): Promise<unknown>;
    };
    await expect(call.owner({ select: { id: true } })).resolves.toEqual({ id: 7 });
    expect(issue).toHaveBeenCalledWith({ where: { id: 1 }, select: { owner: { select: { id: true } } } });
  });
});
