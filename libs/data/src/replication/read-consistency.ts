import { AsyncLocalStorage } from 'node:async_hooks';
import { currentRequestContext, sessionKeyOf } from '../context/request-context.js';

/**
 * How fresh a read must be:
 * - `session` (default): read-your-writes for the current session, otherwise any replica within
 *   the lag bound;
 * - `fresh` / `primary`: always the primary (e.g. just before a decision that must see every write);
 * - `stale-ok`: any healthy replica, even one over the lag bound (reports, dashboards).
 */
export type ReadConsistency = 'session' | 'fresh' | 'primary' | 'stale-ok';

interface ReadScope {
  readonly consistency?: ReadConsistency;
  readonly session?: string;
}

const scopes = new AsyncLocalStorage<ReadScope>();

/** Runs `fn` with every read inside it at the given consistency. */
export function withReadConsistency<T>(consistency: ReadConsistency, fn: () => T): T {
  return scopes.run({ ...scopes.getStore(), consistency }, fn);
}

/**
 * Runs `fn` as one read-your-writes session named `session`, whatever the request context says
 * (e.g. a background job that writes then reads).
 */
export function withSession<T>(session: string, fn: () => T): T {
  return scopes.run({ ...scopes.getStore(), session: `scope:${session}` }, fn);
}

export function currentReadConsistency(): ReadConsistency {
  return scopes.getStore()?.consistency ?? 'session';
}

/** The explicit session if one is open, else the one the request context implies. */
export function currentSessionKey(): string | undefined {
  return scopes.getStore()?.session ?? sessionKeyOf(currentRequestContext());
}
