import pg from 'pg';
import type { RawInsertColumn } from './raw-insert-table.js';

/**
 * The text of one multi-row INSERT with one array parameter per column:
 *
 *   INSERT INTO "public"."note" ("id", "key", …)
 *   SELECT c0, c1, … FROM unnest($1::uuid[], $2::text[], …) AS r(c0, c1, …)
 *   RETURNING "id" AS "id", "item_id" AS "itemId", …
 *
 * The text is the same for every batch size, so the server parses one statement shape per
 * column set, and Prisma does no work per row. `unnest` gives the arrays' elements side by side
 * in order, and the rows come back from RETURNING in the order they were inserted: the i-th row
 * is the i-th caller's. A list column travels as the text of its array (an array of arrays
 * would be flattened by `unnest`) and is cast in the SELECT; an enum comes back as text, which
 * is how `$queryRaw` reads it.
 */
export function unnestInsertSql(table: string, written: readonly RawInsertColumn[], returned: readonly RawInsertColumn[]): string {
  const names = written.map((column) => pg.escapeIdentifier(column.column)).join(', ');
  const parameters = written.map((column, i) => `$${i + 1}::${column.type.isList ? 'text' : column.type.sqlType}[]`).join(', ');
  const values = written.map((column, i) => (column.type.isList ? `c${i}::${column.type.sqlType}[]` : `c${i}`)).join(', ');
  const aliases = written.map((_, i) => `c${i}`).join(', ');
  const returning = returned
    .map((column) => {
      const cast = column.type.isEnum ? (column.type.isList ? '::text[]' : '::text') : '';
      return `${pg.escapeIdentifier(column.column)}${cast} AS ${pg.escapeIdentifier(column.field)}`;
    })
    .join(', ');
  return `INSERT INTO ${table} (${names}) SELECT ${values} FROM unnest(${parameters}) AS r(${aliases}) RETURNING ${returning}`;
}
