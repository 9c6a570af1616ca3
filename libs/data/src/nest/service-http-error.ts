import { STATUS_CODES } from 'node:http';
import { HttpException, type HttpStatus } from '@nestjs/common';
import type { DataError } from '@neo/topology';

/** The body of every error answer of the services and the data layer. */
export interface ErrorBody {
  readonly statusCode: number;
  /** The status's reason phrase, e.g. `Not Found`. */
  readonly error: string;
  /** The error's stable code, for clients to branch on (e.g. `STORAGE_OBJECT_NOT_FOUND`). */
  readonly code: string;
  readonly message: string;
}

/**
 * A service's own error as an HTTP answer: `status`, with the body every service answers with
 * (`{ statusCode, error, code, message }`); the error itself stays in `cause`, for the logs.
 *
 * ```ts
 * if (exception instanceof ObjectNotFoundError) return serviceHttpError(HttpStatus.NOT_FOUND, exception);
 * ```
 */
export function serviceHttpError(status: HttpStatus, exception: DataError): HttpException {
  const body: ErrorBody = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', code: exception.code, message: exception.message };
  return new HttpException(body, status, { cause: exception });
}
