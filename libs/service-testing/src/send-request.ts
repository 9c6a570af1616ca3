import type { Response } from 'supertest';
import type { EndpointSpec, HttpAgent, RequestParts } from './service-http-table.js';

/**
 * JSON text put into a body as it is: values `JSON.stringify` cannot write (`1e999`), or would
 * take too long to build as objects (an array nested 50,000 levels deep).
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** The body as JSON text, with every `RawJson` written in verbatim. */
export function bodyText(body: unknown): string {
  const raw: string[] = [];
  const text = JSON.stringify(body, (_key, value: unknown) => {
    if (value instanceof RawJson) {
      raw.push(value.text);
      return `\u0001raw:${raw.length - 1}\u0001`;
    }
    return value;
  });
  return text.replace(/"\\u0001raw:(\d+)\\u0001"/g, (_match, index: string) => raw[Number(index)]!);
}

/** `/objects/:id` with `{ id }`, each value URL-encoded (so a NUL travels as `%00`). */
export function expandPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/:(\w+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for the path parameter :${name} of ${path}`);
    return encodeURIComponent(value);
  });
}

/** A query string; a list is sent as the parameter repeated, as a browser sends it. */
export function queryString(query: RequestParts['query'] = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, item);
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** Sends one request of the endpoint; a body goes as JSON text. */
export async function sendRequest(
  http: HttpAgent,
  endpoint: Pick<EndpointSpec<unknown>, 'method' | 'path'>,
  parts: RequestParts,
): Promise<Response> {
  const url = expandPath(endpoint.path, parts.params) + queryString(parts.query);
  const method = endpoint.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  let pending = http[method](url);
  for (const [name, value] of Object.entries(parts.headers ?? {})) pending = pending.set(name, value);
  if (parts.body !== undefined) pending = pending.set('content-type', 'application/json').send(bodyText(parts.body));
  return pending;
}
