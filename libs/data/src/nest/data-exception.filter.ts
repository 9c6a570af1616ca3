import { Catch, HttpException, HttpStatus, type ArgumentsHost, type HttpServer } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { isConnectionError, PrimaryUnavailableError, QueryTimeoutError, timeoutKindOf } from '../replication/index.js';

/**
 * A 503 answer of the data layer. Its body names a stable `code` and says what the client can do;
 * it never carries a host, a user, a stack or the driver's message (those stay in `cause`).
 */
export class DataUnavailableException extends HttpException {
  constructor(
    readonly code: 'PRIMARY_UNAVAILABLE' | 'DATABASE_UNAVAILABLE' | 'DATABASE_NOT_ANSWERING',
    message: string,
    /** Seconds the client should wait before retrying (the `Retry-After` header). */
    readonly retryAfterSeconds: number,
    cause: unknown,
  ) {
    super({ statusCode: HttpStatus.SERVICE_UNAVAILABLE, error: 'Service Unavailable', code, message }, HttpStatus.SERVICE_UNAVAILABLE, {
      cause,
    });
  }
}

/**
 * A 504 answer of the data layer: a statement or transaction ran past the topology's timeout
 * (`statementTimeoutMs`, `transactionTimeoutMs`) and was cancelled. The body names the stable code
 * `QUERY_TIMEOUT`; the driver's message stays in `cause`.
 */
export class DataTimeoutException extends HttpException {
  readonly code = 'QUERY_TIMEOUT';

  constructor(message: string, cause: unknown) {
    super(
      { statusCode: HttpStatus.GATEWAY_TIMEOUT, error: 'Gateway Timeout', code: 'QUERY_TIMEOUT', message },
      HttpStatus.GATEWAY_TIMEOUT,
      {
        cause,
      },
    );
  }
}

/** Methods that only read; the others ask for a write. */
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The HTTP answer for an error of the data layer, or `undefined` for any other error:
 * - `PrimaryUnavailableError` (a write while the primary is down, or a read only the primary
 *   could serve) → 503 `PRIMARY_UNAVAILABLE`, with `Retry-After` from the primary's circuit
 *   breaker, and a message about what was refused: writes, for a write or a request that writes
 *   (`requestMethod` other than GET/HEAD/OPTIONS); else the read (a GET never says writes are unavailable);
 * - a connection failure that reached the service (no replica could answer either, or a
 *   database without replicas is down) → 503 `DATABASE_UNAVAILABLE`;
 * - `QueryTimeoutError` (or the driver's timeout error itself): a statement or transaction past
 *   the topology's timeout → 504 `QUERY_TIMEOUT`; a server that accepted the call and never
 *   answered → 503 `DATABASE_NOT_ANSWERING` with `Retry-After`.
 */
export function toDataHttpException(
  exception: unknown,
  requestMethod?: string,
): DataUnavailableException | DataTimeoutException | undefined {
  if (exception instanceof DataUnavailableException || exception instanceof DataTimeoutException) return exception;
  const timeout = exception instanceof QueryTimeoutError ? exception.kind : timeoutKindOf(exception);
  if (timeout === 'no-answer') {
    const retryAfterMs = exception instanceof QueryTimeoutError ? exception.retryAfterMs : undefined;
    return new DataUnavailableException(
      'DATABASE_NOT_ANSWERING',
      'The database of this service accepted the request but did not answer in time. A write may or may not have been applied: ' +
        'check before repeating it. Retry later.',
      Math.max(1, Math.ceil((retryAfterMs ?? 1_000) / 1_000)),
      exception,
    );
  }
  if (timeout === 'statement') {
    return new DataTimeoutException(
      'The database took longer than this service allows for one statement, and cancelled it. Nothing was changed by it.',
      exception,
    );
  }
  if (timeout === 'transaction') {
    return new DataTimeoutException(
      'The transaction took longer than this service allows and was rolled back. Nothing was changed by it.',
      exception,
    );
  }
  if (exception instanceof PrimaryUnavailableError) {
    const retryAfterSeconds = Math.max(1, Math.ceil((exception.retryAfterMs ?? 1_000) / 1_000));
    // A request that writes is refused as a write even when the read it starts with failed first.
    const refusesWrite = exception.operation === 'write' || (requestMethod !== undefined && !READ_METHODS.has(requestMethod.toUpperCase()));
    const message = refusesWrite
      ? 'Writes are unavailable for now: the primary database of this service cannot be reached. Reads are still served. Retry later.'
      : 'This read could not be served for now: it needs the primary database of this service (no replica can serve it, ' +
        'or it must see a write made just before), which cannot be reached. Other reads are still served. Retry later.';
    return new DataUnavailableException('PRIMARY_UNAVAILABLE', message, retryAfterSeconds, exception);
  }
  if (isConnectionError(exception)) {
    return new DataUnavailableException(
      'DATABASE_UNAVAILABLE',
      'The database of this service cannot be reached for now. Retry later.',
      1,
      exception,
    );
  }
  return undefined;
}

/**
 * Answers the data layer's errors (see `toDataHttpException`) and, through `mapServiceError`,
 * a service's own; anything else falls to Nest's default: logged with its stack, answered with a
 * bare 500, so neither stack traces nor connection details reach a client.
 *
 * ```ts
 * app.useGlobalFilters(new DataExceptionFilter(app.getHttpAdapter(), toServiceHttpException));
 * ```
 */
@Catch()
export class DataExceptionFilter extends BaseExceptionFilter {
  constructor(
    applicationRef?: HttpServer,
    private readonly mapServiceError: (exception: unknown) => unknown = (exception) => exception,
  ) {
    super(applicationRef);
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const method = host.getType() === 'http' ? host.switchToHttp().getRequest<{ method?: string }>()?.method : undefined;
    const mapped = toDataHttpException(exception, method) ?? this.mapServiceError(exception);
    if (mapped instanceof DataUnavailableException && host.getType() === 'http') {
      const adapter = this.applicationRef ?? this.httpAdapterHost?.httpAdapter;
      adapter?.setHeader(host.switchToHttp().getResponse(), 'Retry-After', String(mapped.retryAfterSeconds));
    }
    super.catch(mapped, host);
  }
}
