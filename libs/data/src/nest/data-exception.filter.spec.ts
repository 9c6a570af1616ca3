import { NotFoundException, type ArgumentsHost, type HttpServer } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { PrimaryUnavailableError, QueryTimeoutError } from '../replication/index.js';
import { DataExceptionFilter, DataTimeoutException, DataUnavailableException, toDataHttpException } from './data-exception.filter.js';

/** Records what the filter answers, as an HTTP adapter would send it. */
function recordingAdapter() {
  const sent: { body?: unknown; status?: number; headers: Record<string, string> } = { headers: {} };
  const adapter = {
    isHeadersSent: () => false,
    reply: (_response: unknown, body: unknown, status: number) => Object.assign(sent, { body, status }),
    setHeader: (_response: unknown, name: string, value: string) => (sent.headers[name] = value),
    end: () => undefined,
  } as unknown as HttpServer;
  return { adapter, sent };
}

/** An HTTP request of this method, as the filter sees it. */
const hostOf = (method: string) =>
  ({
    getType: () => 'http',
    getArgByIndex: () => ({}),
    switchToHttp: () => ({ getResponse: () => ({}), getRequest: () => ({ method }) }),
  }) as unknown as ArgumentsHost;
const host = hostOf('POST');

describe('toDataHttpException', () => {
  it('answers a write refused because the primary is down with 503 PRIMARY_UNAVAILABLE, keeping the cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:5432'), { code: 'ECONNREFUSED' });
    const mapped = toDataHttpException(
      new PrimaryUnavailableError('blockchain/blockchain-primary/neo_oracle', { cause, retryAfterMs: 2_500 }),
    );
    expect(mapped).toBeInstanceOf(DataUnavailableException);
    expect(mapped!.getStatus()).toBe(503);
    expect((mapped as DataUnavailableException).retryAfterSeconds).toBe(3);
    expect(mapped!.getResponse()).toMatchObject({
      code: 'PRIMARY_UNAVAILABLE',
      message: expect.stringContaining('Reads are still served'),
    });
    expect(JSON.stringify(mapped!.getResponse())).not.toContain('10.1.2.3');
  });

  it('answers a read only the primary could serve with 503 PRIMARY_UNAVAILABLE that does not say writes are unavailable', () => {
    const mapped = toDataHttpException(new PrimaryUnavailableError('core/core-primary/neo_storage', { operation: 'read' }));
    const body = mapped!.getResponse() as { code: string; message: string };
    expect(body.code).toBe('PRIMARY_UNAVAILABLE');
    expect(body.message).toMatch(/^This read could not be served/);
    expect(body.message).not.toMatch(/writes/i);
  });

  it('answers a connection failure with 503 DATABASE_UNAVAILABLE, and leaves other errors alone', () => {
    expect(toDataHttpException(Object.assign(new Error('x'), { code: 'P1001' }))?.getResponse()).toMatchObject({
      code: 'DATABASE_UNAVAILABLE',
    });
    expect(toDataHttpException(new Error('boom'))).toBeUndefined();
    expect(toDataHttpException(Object.assign(new Error('unique'), { code: 'P2002' }))).toBeUndefined();
  });
});

describe('toDataHttpException for timeouts', () => {
  const cancelled = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });

  it('answers a statement or transaction past its timeout with 504 QUERY_TIMEOUT', () => {
    for (const error of [
      new QueryTimeoutError('core/core-primary/neo_storage', 'statement', { cause: cancelled }),
      new QueryTimeoutError('core/core-primary/neo_storage', 'transaction'),
      cancelled,
      Object.assign(new Error('Transaction already closed'), { code: 'P2028', meta: { timeout: 5000, timeTaken: 5100 } }),
    ]) {
      const mapped = toDataHttpException(error);
      expect(mapped).toBeInstanceOf(DataTimeoutException);
      expect(mapped!.getStatus()).toBe(504);
      expect(mapped!.getResponse()).toMatchObject({ code: 'QUERY_TIMEOUT' });
      expect(JSON.stringify(mapped!.getResponse())).not.toContain('neo_storage');
    }
  });

  it('answers a database that accepted the call and never answered with 503 and Retry-After', () => {
    const mapped = toDataHttpException(new QueryTimeoutError('core/core-primary/neo_storage', 'no-answer', { retryAfterMs: 2_100 }));
    expect(mapped).toBeInstanceOf(DataUnavailableException);
    expect(mapped!.getStatus()).toBe(503);
    expect((mapped as DataUnavailableException).retryAfterSeconds).toBe(3);
    expect(mapped!.getResponse()).toMatchObject({ code: 'DATABASE_NOT_ANSWERING' });
    expect(toDataHttpException(new Error('Query read timeout'))?.getResponse()).toMatchObject({ code: 'DATABASE_NOT_ANSWERING' });
  });
});

describe('DataExceptionFilter', () => {
  it('says writes are unavailable for a request that writes, and never for a GET', () => {
    const refusedRead = new PrimaryUnavailableError('core/core-primary/neo_storage', { operation: 'read' });
    const post = recordingAdapter();
    new DataExceptionFilter(post.adapter).catch(refusedRead, hostOf('POST'));
    expect(post.sent.body).toMatchObject({ message: expect.stringMatching(/^Writes are unavailable/) });
    const get = recordingAdapter();
    new DataExceptionFilter(get.adapter).catch(refusedRead, hostOf('GET'));
    expect(get.sent.body).toMatchObject({ message: expect.stringMatching(/^This read could not be served/) });
  });

  it('sends the 503 with Retry-After and no stack', () => {
    const { adapter, sent } = recordingAdapter();
    new DataExceptionFilter(adapter).catch(new PrimaryUnavailableError('core/core-primary/neo_storage'), host);
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toBe('1');
    expect(JSON.stringify(sent.body)).not.toMatch(/\bat\s.+:\d+:\d+/);
  });

  it("maps the service's own errors through the given function", () => {
    const { adapter, sent } = recordingAdapter();
    class Missing extends Error {}
    new DataExceptionFilter(adapter, (error) => (error instanceof Missing ? new NotFoundException('no such thing') : error)).catch(
      new Missing(),
      host,
    );
    expect(sent).toMatchObject({ status: 404, body: { message: 'no such thing' } });
  });
});
