import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the data layer knows about the request being served. Carried with AsyncLocalStorage,
 * so service code never passes it by hand: an HTTP middleware (or a job runner) opens it with
 * `runWithRequestContext` and every query made inside sees it.
 */
export interface RequestContext {
  readonly requestId?: string;
  readonly userId?: string;
  readonly tenant?: string;
  /**
   * Groups requests whose reads must see each other's writes (read-your-writes). When absent the
   * session is the user (per tenant), or else the single request.
   */
  readonly sessionId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `context` as the current request context (nested calls see the innermost one). */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The request context of the running code, or `undefined` outside any request. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
