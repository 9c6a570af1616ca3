/**
 * A Proxy whose property reads `get` answers, and whose other questions (`in`, keys, property
 * descriptors, prototype) and assignments `target` answers, without being a Proxy *of* `target`. A Proxy checks
 * every value its `get` trap returns against its target's own property of that name; when the
 * target is itself a Proxy (a Prisma client's model delegate is), that check runs the target's
 * `getOwnPropertyDescriptor` trap on every read. Here the Proxy's own target is a blank object,
 * so a read costs the `get` trap alone.
 */
export function readThroughProxy<T extends object>(target: T, get: (property: PropertyKey) => unknown): T {
  return new Proxy({} as T, {
    get: (_blank, property) => get(property),
    has: (_blank, property) => Reflect.has(target, property),
    ownKeys: () => Reflect.ownKeys(target),
    getOwnPropertyDescriptor: (_blank, property) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target, property);
      // A Proxy may not report a property its (blank) target lacks as non-configurable.
      return descriptor && !descriptor.configurable ? { ...descriptor, configurable: true } : descriptor;
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(target),
    set: (_blank, property, value) => Reflect.set(target, property, value),
  });
}
