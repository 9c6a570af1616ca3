import type { INestApplication } from '@nestjs/common';
import type { DataFlagsOptions, Topology } from '@neo/data';
import type request from 'supertest';

/** A supertest agent on the service under test; every request carries one user id (read-your-writes). */
export type HttpAgent = InstanceType<typeof request.agent>;

/** Where a field travels in the request. */
export type FieldLocation = 'body' | 'query' | 'params' | 'header';

/** What a field holds: it decides the bad values the suite sends for it. */
export type FieldKind =
  /** A string of at most `maxLength` characters. */
  | { kind: 'text'; maxLength: number }
  /** A whole number from `min` to `max`. */
  | { kind: 'integer'; min: number; max: number }
  /** A finite JSON number. */
  | { kind: 'number' }
  /** A decimal written as a string (exact), with at most these many digits each side of the point. */
  | { kind: 'decimal'; integerDigits: number; fractionDigits: number; signed?: boolean }
  /** An ISO 8601 date-time. */
  | { kind: 'date-time' }
  | { kind: 'uuid' }
  /** A JSON object of at most `maxBytes` bytes (as JSON). */
  | { kind: 'json-object'; maxBytes: number }
  /** A JSON array of `minItems` to `maxItems` items; its items' fields are fields of their own (`list[].field`). */
  | { kind: 'array'; minItems: number; maxItems: number }
  /**
   * The opaque `cursor` of a paged listing. `at` makes a well-formed cursor whose position is the
   * given instant, so the suite can send positions outside what the database stores.
   */
  | { kind: 'cursor'; at?: (instant: string) => string }
  /** `Authorization: Bearer <token>` of an operator action. */
  | { kind: 'bearer-token' };

export type FieldSpec = FieldKind & {
  in: FieldLocation;
  /**
   * The field: a property path in the body (`key`, `samples[].at`: `[]` is the first item), a
   * query or path parameter's name, a header's name.
   */
  path: string;
  /** Refused when left out (body and query fields). */
  required?: boolean;
  /** The word the answer must contain when it is not the field's path (e.g. a path parameter described in prose). */
  names?: string;
};

/** The parts of one request; each bad case changes one field of a valid one. */
export interface RequestParts {
  params?: Record<string, string>;
  query?: Record<string, string | string[]>;
  body?: unknown;
  headers?: Record<string, string>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface EndpointSpec<Context> {
  method: HttpMethod;
  /** Express-style, e.g. `/objects/:id`. */
  path: string;
  /**
   * A request the service accepts (the suite checks that first). Called again for the base of the
   * bad cases, so it may create what the request refers to (an object to delete, a feed to publish to).
   */
  valid(context: Context): RequestParts | Promise<RequestParts>;
  fields: FieldSpec[];
  /** The route's body limit in bytes (default 100 KB): deeply nested values are sized to fit under it. */
  bodyLimitBytes?: number;
}

/** Which database serves the service: its schema in the monolith, or its own databases. */
export type ServiceSide = 'monolith' | 'service';

/**
 * One service's HTTP surface as the shared suites see it: how to build the app, the endpoints with
 * their fields, and its main write and read. A new service plugs into the suites with one table.
 */
export interface ServiceHttpTable<Context = undefined> {
  /** The service's name in the topology (`services.<name>`), e.g. `smartcontracts`. */
  service: string;
  /** Builds the service's app (not yet initialised) on the topology, with the flags that place it on a side. */
  createApp(options: { topology: Topology; flags: DataFlagsOptions }): Promise<INestApplication>;
  /** Makes what the endpoints refer to (through the API), once per app. */
  setup?(http: HttpAgent): Promise<Context>;
  endpoints: Array<EndpointSpec<Context>>;
  /** The service's main write and then a read of it, through the API; throws when either fails. */
  mainWriteAndRead(http: HttpAgent): Promise<void>;
}
