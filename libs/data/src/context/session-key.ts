import { AsyncLocalStorage } from 'node:async_hooks';
import { currentRequestContext, type RequestContext } from './request-context.js';

/** An explicit session opened by `withSession`; it outranks what the request context implies. */
const explicitSessions = new AsyncLocalStorage<string>();

/**
 * The key of a read-your-writes session, the one both guarantees use (a replica serves a session
 * only once it replayed the session's writes; across a cutover, a session's reads stay on the side
 * it wrote to): the explicit `sessionId` (or a `withSession` name), else the user (a user expects
 * to see what they wrote in their previous request, too), else the request. `undefined` when the
 * context names none of them: such code gets no read-your-writes guarantee.
 */
export function sessionKeyOf(context: RequestContext | undefined): string | undefined {
  if (!context) return undefined;
  if (context.sessionId !== undefined) return `session:${context.sessionId}`;
  if (context.userId !== undefined) return `user:${context.tenant ?? ''}:${context.userId}`;
  if (context.requestId !== undefined) return `request:${context.requestId}`;
  return undefined;
}

/**
 * Runs `fn` as the read-your-writes session `session`, whatever the request context says (e.g. a
 * background job that writes then reads). Same session as a request whose `sessionId` is `session`.
 */
export function withSession<T>(session: string, fn: () => T): T {
  return explicitSessions.run(`session:${session}`, fn);
}

/** The session of the running code: the one `withSession` opened, else the one `context` implies. */
export function currentSessionKey(context: RequestContext | undefined = currentRequestContext()): string | undefined {
  return explicitSessions.getStore() ?? sessionKeyOf(context);
}
