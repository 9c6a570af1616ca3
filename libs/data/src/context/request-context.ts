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

/**
 * The key that identifies a read-your-writes session: the explicit `sessionId`, else the user
 * (a user expects to see what they wrote in their previous request, too), else the request.
 * `undefined` when the context names none of them: such code gets no read-your-writes guarantee.
 */
export function sessionKeyOf(context: RequestContext | undefined): string | undefined {
  if (!context) return undefined;
  if (context.sessionId !== undefined) return `session:${context.sessionId}`;
  if (context.userId !== undefined) return `user:${context.tenant ?? ''}:${context.userId}`;
  if (context.requestId !== undefined) return `request:${context.requestId}`;
  return undefined;
}
