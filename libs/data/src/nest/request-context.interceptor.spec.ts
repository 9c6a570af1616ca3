import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { firstValueFrom, from } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { currentRequestContext } from '../context/index.js';
import { currentSessionKey } from '../context/index.js';
import { recordingServedSides } from '../selection/served-sides.js';
import { RequestContextInterceptor, requestContextFromHeaders } from './request-context.interceptor.js';

function httpContext(headers: Record<string, string>, response: Record<string, string> = {}): ExecutionContext {
  return {
    getType: () => 'http',
    switchToHttp: () => ({
      getRequest: () => ({ headers }),
      getResponse: () => ({ setHeader: (name: string, value: string) => (response[name] = value) }),
    }),
  } as unknown as ExecutionContext;
}

describe('RequestContextInterceptor', () => {
  it('runs the handler, and what it awaits, inside the request context taken from the headers', async () => {
    const response: Record<string, string> = {};
    const handler: CallHandler = {
      handle: () =>
        from(
          (async () => {
            await new Promise((resolve) => setTimeout(resolve, 1));
            return { context: currentRequestContext(), session: currentSessionKey() };
          })(),
        ),
    };
    const seen = await firstValueFrom(
      new RequestContextInterceptor().intercept(
        httpContext({ 'x-user-id': 'alice', 'x-tenant-id': 'acme', 'x-request-id': 'r-1' }, response),
        handler,
      ),
    );
    expect(seen).toEqual({ context: { requestId: 'r-1', userId: 'alice', tenant: 'acme' }, session: 'user:acme:alice' });
    expect(response['x-request-id']).toBe('r-1');
    expect(currentRequestContext()).toBeUndefined();
  });
});

describe('RequestContextInterceptor and the sides that served a request', () => {
  it('says in x-data-side which side served the reads and writes the handler made', async () => {
    const response: Record<string, string> = {};
    const chooser = recordingServedSides({ select: (_service, kind) => (kind === 'read' ? 'service' : 'monolith') });
    const handler: CallHandler = {
      handle: () =>
        from(
          (async () => {
            chooser.select('smartcontracts', 'write');
            await new Promise((resolve) => setTimeout(resolve, 1));
            chooser.select('smartcontracts', 'read');
            return 'done';
          })(),
        ),
    };
    await firstValueFrom(new RequestContextInterceptor().intercept(httpContext({ 'x-user-id': 'alice' }, response), handler));
    expect(response['x-data-side']).toBe('reads=service; writes=monolith');
  });
});

describe('requestContextFromHeaders', () => {
  it('generates a request id when none is given, and the session is then the request', () => {
    expect(requestContextFromHeaders({}, () => 'generated')).toEqual({ requestId: 'generated' });
  });

  it('ignores empty, oversized and control-character values', () => {
    const context = requestContextFromHeaders({
      'x-user-id': '  ',
      'x-tenant-id': 'a'.repeat(201),
      'x-session-id': 'bad\nvalue',
      'x-request-id': 'ok',
    });
    expect(context).toEqual({ requestId: 'ok' });
  });

  it('takes the first of repeated headers and an explicit session id', () => {
    expect(requestContextFromHeaders({ 'x-user-id': ['u1', 'u2'], 'x-session-id': 's' }, () => 'r')).toEqual({
      requestId: 'r',
      userId: 'u1',
      sessionId: 's',
    });
  });
});
