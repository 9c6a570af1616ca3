import { AsyncLocalStorage } from 'node:async_hooks';
import type { SideChooser } from './side-switching-client.js';
import type { OperationKind, Side } from './side.js';

/** The response header that says which side served a request's reads and writes. */
export const SERVED_SIDES_HEADER = 'x-data-side';

/** The sides one request's calls went to, per kind of call. */
export type ServedSides = Record<OperationKind, Set<Side>>;

const current = new AsyncLocalStorage<ServedSides>();

/** Runs `work` with a fresh record of the sides its calls (and what it awaits) go to, which it is given. */
export function withServedSides<T>(work: (served: ServedSides) => T): T {
  const served: ServedSides = { read: new Set(), write: new Set() };
  return current.run(served, () => work(served));
}

/** A chooser that notes each side it picks in the current request's record (when one is tracked). */
export function recordingServedSides(chooser: SideChooser): SideChooser {
  return {
    select: (service, kind) => {
      const side = chooser.select(service, kind);
      current.getStore()?.[kind].add(side);
      return side;
    },
  };
}

/** `reads=service; writes=monolith`, the kinds of call made only; undefined when the request made none. */
export function describeServedSides(served: ServedSides): string | undefined {
  const parts = (['read', 'write'] as const)
    .filter((kind) => served[kind].size > 0)
    .map((kind) => `${kind}s=${[...served[kind]].sort().join(',')}`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}
