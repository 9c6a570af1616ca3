import { describe, expect, it } from 'vitest';
import { batchKeyOf } from './coalescible-create.js';

const relations = new Map([['item', 'Item']]);

describe('batchKeyOf', () => {
  it('puts calls that ask for the whole row, or for the same scalar fields, in one batch each', () => {
    expect(batchKeyOf({ data: { key: 'a' } }, relations)).toBe('');
    expect(batchKeyOf({ data: { key: 'a', itemId: 1 }, select: undefined }, relations)).toBe('');
    const selected = batchKeyOf({ data: { key: 'a' }, select: { key: true } }, relations);
    expect(selected).toBe(batchKeyOf({ data: { key: 'b' }, select: { key: true } }, relations));
    expect(selected).not.toBe(batchKeyOf({ data: { key: 'b' }, omit: { key: true } }, relations));
  });

  it('runs alone nested writes, relations in select or include, and arguments it does not know', () => {
    expect(batchKeyOf({ data: { key: 'a', item: { create: { name: 'x' } } } }, relations)).toBeUndefined();
    expect(batchKeyOf({ data: { key: 'a', item: { connect: { id: 1 } } } }, relations)).toBeUndefined();
    expect(batchKeyOf({ data: { key: 'a' }, include: { item: true } }, relations)).toBeUndefined();
    expect(batchKeyOf({ data: { key: 'a' }, select: { item: true } }, relations)).toBeUndefined();
    expect(batchKeyOf({ data: { key: 'a' }, select: { item: { select: { id: true } } } }, relations)).toBeUndefined();
    expect(batchKeyOf({ data: [{ key: 'a' }] }, relations)).toBeUndefined();
    expect(batchKeyOf({ data: { key: 'a' }, relationLoadStrategy: 'join' }, relations)).toBeUndefined();
    expect(batchKeyOf(undefined, relations)).toBeUndefined();
  });
});
