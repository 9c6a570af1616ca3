/**
 * A client whose interactive `$transaction(async (tx) => …)` is bounded by `timeoutMs` unless the
 * caller passes its own `timeout` (the topology's `transactionTimeoutMs`, for a database without
 * replicas; a replica set's routed client applies it itself). Extensions made from it keep the bound.
 */
export function withDefaultTransactionTimeout<C extends object>(client: C, timeoutMs: number): C {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      if (property === '$transaction') {
        return (input: unknown, options?: Record<string, unknown>) =>
          (value as (input: unknown, options?: unknown) => unknown).call(
            target,
            input,
            typeof input === 'function' ? { timeout: timeoutMs, ...options } : options,
          );
      }
      if (property === '$extends') {
        return (...args: unknown[]) => withDefaultTransactionTimeout((value as (...a: unknown[]) => C).apply(target, args), timeoutMs);
      }
      return value;
    },
  });
}
