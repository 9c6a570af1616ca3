import { isStorableInstant, parseIsoDateTime } from './date-time.js';

/**
 * Where a page of a newest-first listing ends: the last row's timestamp (under the listing's own
 * field name, e.g. `createdAt`) and its id. A position, not an offset, so it stays valid when rows
 * are added or deleted, and it works the same on one shard and on a listing merged from every shard.
 */
export type CursorPosition<DateField extends string> = { [Field in DateField]: Date } & { id: string };

/** Turns positions into the opaque `cursor` clients pass back, and back into positions. */
export interface PositionCursorCodec<DateField extends string> {
  /** Opaque to clients: base64url of `[isoDate, id]`. */
  encode(position: CursorPosition<DateField>): string;
  /** Refuses, with the service's own error, a cursor it did not produce (or one corrupted on the way). */
  decode(cursor: string): CursorPosition<DateField>;
}

/** Builds the service's own error for a malformed cursor; `cause` when parsing threw. */
export type InvalidCursorErrorFactory = (options?: { cause?: unknown }) => Error;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The cursor codec of a newest-first listing ordered by (`dateField`, id), ids being UUIDs.
 *
 * ```ts
 * const cursor = positionCursorCodec('createdAt', (options) => new InvalidCursorError(options));
 * ```
 */
export function positionCursorCodec<DateField extends string>(
  dateField: DateField,
  invalid: InvalidCursorErrorFactory,
): PositionCursorCodec<DateField> {
  return {
    encode: (position) => Buffer.from(JSON.stringify([position[dateField].toISOString(), position.id])).toString('base64url'),
    decode: (cursor) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      } catch (error) {
        throw invalid({ cause: error });
      }
      if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
      const [date, id] = parsed as unknown[];
      if (typeof date !== 'string' || typeof id !== 'string' || !UUID.test(id)) throw invalid();
      // Only instants a listing can hold: a position PostgreSQL cannot store would fail the query.
      const at = parseIsoDateTime(date);
      if (at === undefined || !isStorableInstant(at)) throw invalid();
      return { [dateField]: at, id } as CursorPosition<DateField>;
    },
  };
}
