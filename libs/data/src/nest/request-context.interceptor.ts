import { randomUUID } from 'node:crypto';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { runWithRequestContext, type RequestContext } from '../context/index.js';
import { describeServedSides, SERVED_SIDES_HEADER, withServedSides } from '../selection/served-sides.js';

/** The request headers the context is read from. */
export const REQUEST_CONTEXT_HEADERS = {
  requestId: 'x-request-id',
  userId: 'x-user-id',
  tenant: 'x-tenant-id',
  sessionId: 'x-session-id',
} as const;

/** Longest header value taken; anything longer, or with control characters, is ignored. */
const MAX_HEADER_LENGTH = 200;

interface HttpRequestLike {
  headers: Record<string, string | string[] | undefined>;
}

interface HttpResponseLike {
  headersSent?: boolean;
  setHeader?(name: string, value: string): unknown;
  header?(name: string, value: string): unknown;
}

/**
 * Runs each HTTP request inside the data layer's request context, so read-your-writes sessions
 * follow the caller: the user (`x-user-id`, per `x-tenant-id`), or an explicit `x-session-id`,
 * else the single request. The request id comes from `x-request-id` or is generated, and is
 * echoed in the response's `x-request-id`. For a service on both sides (monolith and its own
 * database) the response's `x-data-side` says which side served its reads and writes.
 *
 * An interceptor, not a middleware: it runs after the body has been parsed, so the context is
 * not lost in the body parser's stream callbacks, and it wraps the handler and everything it awaits.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() !== 'http') return next.handle();
    const http = execution.switchToHttp();
    const context = requestContextFromHeaders(http.getRequest<HttpRequestLike>().headers);
    const response = http.getResponse<HttpResponseLike>();
    if (context.requestId !== undefined) setHeader(response, REQUEST_CONTEXT_HEADERS.requestId, context.requestId);
    return new Observable((subscriber) =>
      withServedSides((served) => {
        // Before the response goes out, whether the handler answered or threw.
        const sayServed = () => {
          const sides = describeServedSides(served);
          if (sides !== undefined && !response.headersSent) setHeader(response, SERVED_SIDES_HEADER, sides);
        };
        return runWithRequestContext(context, () =>
          next
            .handle()
            .pipe(tap({ next: sayServed, error: sayServed }))
            .subscribe(subscriber),
        );
      }),
    );
  }
}

function setHeader(response: HttpResponseLike, name: string, value: string): void {
  if (typeof response.setHeader === 'function') response.setHeader(name, value);
  else response.header?.(name, value);
}

/** The request context the headers describe; the request id is generated when absent. */
export function requestContextFromHeaders(headers: HttpRequestLike['headers'], newRequestId: () => string = randomUUID): RequestContext {
  const read = (name: string): string | undefined => {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    // eslint-disable-next-line no-control-regex
    if (trimmed === '' || trimmed.length > MAX_HEADER_LENGTH || /[\u0000-\u001f\u007f]/.test(trimmed)) return undefined;
    return trimmed;
  };
  const userId = read(REQUEST_CONTEXT_HEADERS.userId);
  const tenant = read(REQUEST_CONTEXT_HEADERS.tenant);
  const sessionId = read(REQUEST_CONTEXT_HEADERS.sessionId);
  return {
    requestId: read(REQUEST_CONTEXT_HEADERS.requestId) ?? newRequestId(),
    ...(userId !== undefined ? { userId } : {}),
    ...(tenant !== undefined ? { tenant } : {}),
    ...(sessionId !== undefined ? { sessionId } : {}),
  };
}
