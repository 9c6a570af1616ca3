import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** The body limit of every route that does not set its own. */
export const DEFAULT_BODY_LIMIT_BYTES = 100 * 1024;

/** A route that takes larger bodies than the default, e.g. a batch write. */
export interface RouteBodyLimit {
  method: string;
  /** Express-style path, e.g. `/samples` or `/feeds/:id/values`. */
  path: string;
  bytes: number;
}

interface ParserError {
  status?: number;
  type?: string;
  message?: string;
}

/**
 * Parses JSON request bodies, with a size limit per route, and answers what it refuses itself,
 * with the same body shape as the service's other errors:
 * - 415 for a body that is not JSON (a form post, a missing `Content-Type`);
 * - 413 for a body over the route's limit, saying the limit;
 * - 400 for JSON that does not parse.
 * Bodies must be objects or arrays (body-parser's strict mode).
 */
export function jsonBodyMiddleware(routeLimits: readonly RouteBodyLimit[] = []): RequestHandler {
  const routes = routeLimits.map((route) => ({ ...route, method: route.method.toUpperCase(), pattern: pathPattern(route.path) }));
  const parsers = new Map<number, RequestHandler>();
  const parserFor = (bytes: number): RequestHandler => {
    let parser = parsers.get(bytes);
    if (!parser) {
      parser = express.json({ limit: bytes, strict: true });
      parsers.set(bytes, parser);
    }
    return parser;
  };

  return (request: Request, response: Response, next: NextFunction) => {
    if (!hasBody(request)) return next();
    if (!request.is(['application/json', 'application/*+json'])) {
      return refuse(
        response,
        415,
        'Unsupported Media Type',
        'UNSUPPORTED_MEDIA_TYPE',
        'send the body as JSON, with the header "Content-Type: application/json"',
      );
    }
    const route = routes.find((candidate) => candidate.method === request.method && candidate.pattern.test(request.path));
    const limit = route?.bytes ?? DEFAULT_BODY_LIMIT_BYTES;
    parserFor(limit)(request, response, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      const failure = error as ParserError;
      if (failure.type === 'entity.too.large') {
        return refuse(
          response,
          413,
          'Payload Too Large',
          'BODY_TOO_LARGE',
          `the request body is larger than the ${formatBytes(limit)} ${request.method} ${request.path} takes; send less at once`,
        );
      }
      if (failure.type === 'entity.parse.failed') {
        return refuse(
          response,
          400,
          'Bad Request',
          'MALFORMED_JSON',
          `the request body is not valid JSON: ${parseProblem(failure.message)}`,
        );
      }
      const status = typeof failure.status === 'number' && failure.status >= 400 && failure.status < 500 ? failure.status : 400;
      return refuse(
        response,
        status,
        'Bad Request',
        'UNREADABLE_BODY',
        `the request body cannot be read: ${failure.message ?? 'unknown reason'}`,
      );
    });
  };
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function refuse(response: Response, statusCode: number, error: string, code: string, message: string): void {
  response.status(statusCode).json({ statusCode, error, code, message });
}

function pathPattern(path: string): RegExp {
  const escaped = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/**
 * The parser's reason without the excerpt of the body V8 quotes (`…, "{"value": "s3cr"... is not
 * valid JSON`): a body may carry a secret, and an error answer or its log line must not.
 */
function parseProblem(message: string | undefined): string {
  if (!message) return 'it does not parse';
  return message.replace(/,\s*".*" is not valid JSON$/s, '');
}
