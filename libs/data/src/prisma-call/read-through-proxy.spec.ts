import { describe, expect, it } from 'vitest';
import { readThroughProxy } from './read-through-proxy.js';

describe('readThroughProxy', () => {
  it('answers reads with its get, and keys, `in`, descriptors and prototype from the target', () => {
    const prototype = { inherited: true };
    const target = Object.assign(Object.create(prototype) as Record<string, unknown>, { findMany: () => 'target', name: 'Item' });
    const view = readThroughProxy(target, (property) => (property === 'findMany' ? () => 'view' : Reflect.get(target, property)));
    expect((view.findMany as () => string)()).toBe('view');
    expect(view.name).toBe('Item');
    expect('findMany' in view).toBe(true);
    expect('inherited' in view).toBe(true);
    expect('missing' in view).toBe(false);
    expect(Object.keys(view)).toEqual(['findMany', 'name']);
    expect(Object.getPrototypeOf(view)).toBe(prototype);
    expect(Object.getOwnPropertyDescriptor(view, 'name')).toMatchObject({ value: 'Item', enumerable: true });
    view.name = 'Renamed';
    expect(target.name).toBe('Renamed');
  });

  it('never reads the target through a getOwnPropertyDescriptor trap when answering a read', () => {
    let descriptorReads = 0;
    const target = new Proxy(
      { findMany: () => 'target' },
      {
        getOwnPropertyDescriptor(inner, property) {
          descriptorReads++;
          return Reflect.getOwnPropertyDescriptor(inner, property);
        },
      },
    );
    const view = readThroughProxy(target, (property) => Reflect.get(target, property));
    for (let i = 0; i < 3; i++) view.findMany();
    expect(descriptorReads).toBe(0);
    // A Proxy of the target itself checks each read against the target's descriptor.
    const direct = new Proxy(target, { get: (inner, property) => Reflect.get(inner, property) });
    direct.findMany();
    expect(descriptorReads).toBe(1);
  });

  it('reports a non-configurable property of the target as configurable, which a Proxy over a blank object must', () => {
    const target = {};
    Object.defineProperty(target, 'fixed', { value: 1, configurable: false, enumerable: true });
    const view = readThroughProxy(target, (property) => Reflect.get(target, property));
    expect(Object.getOwnPropertyDescriptor(view, 'fixed')).toEqual({ value: 1, writable: false, enumerable: true, configurable: true });
  });
});
