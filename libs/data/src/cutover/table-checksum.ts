import type pg from 'pg';
import { quoteIdent } from './sql-text.js';

/**
 * Row count and an order-independent checksum of a table's rows: the sum of the first 64 bits
 * of each row's md5 (columns in name order, so column order does not matter), summed as
 * numeric so it never overflows. Equal counts and sums on both sides mean equal rows, short
 * of a 64-bit collision.
 */
export interface TableChecksum {
  rows: number;
  checksum: string;
}

/** The session settings that make a row's text form the same on every server. */
export const STABLE_TEXT_SETTINGS = `SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, YMD'; SET IntervalStyle TO 'postgres'; SET extra_float_digits TO 1; SET bytea_output TO 'hex'`;

function rowHash(columns: readonly string[]): string {
  return `md5(ROW(${columns.map(quoteIdent).join(', ')})::text)`;
}

export async function tableChecksum(
  client: pg.Client,
  qualifiedName: string,
  columns: readonly string[],
  filter?: string,
): Promise<TableChecksum> {
  const { rows } = await client.query<{ rows: string; checksum: string }>(
    `SELECT count(*)::text AS rows, coalesce(sum(('x' || substr(${rowHash(columns)}, 1, 16))::bit(64)::bigint), 0)::text AS checksum
       FROM ${qualifiedName}${filter ? ` WHERE (${filter})` : ''}`,
  );
  return { rows: Number(rows[0]!.rows), checksum: rows[0]!.checksum };
}

/** Each row's primary key (as text) and hash: used to name the rows that differ. */
export async function rowHashes(
  client: pg.Client,
  qualifiedName: string,
  columns: readonly string[],
  primaryKey: readonly string[],
  filter?: string,
): Promise<Map<string, string>> {
  const key = `ROW(${primaryKey.map(quoteIdent).join(', ')})::text`;
  const { rows } = await client.query<{ key: string; hash: string }>(
    `SELECT ${key} AS key, ${rowHash(columns)} AS hash FROM ${qualifiedName}${filter ? ` WHERE (${filter})` : ''}`,
  );
  return new Map(rows.map((row) => [row.key, row.hash]));
}

/** Rows missing on one side, extra on it, or different, by primary key (at most `limit` of each named). */
export function describeRowDifferences(expected: Map<string, string>, actual: Map<string, string>, limit = 5): string[] {
  const missing: string[] = [];
  const changed: string[] = [];
  const extra: string[] = [];
  for (const [key, hash] of expected) {
    const other = actual.get(key);
    if (other === undefined) missing.push(key);
    else if (other !== hash) changed.push(key);
  }
  for (const key of actual.keys()) if (!expected.has(key)) extra.push(key);
  const name = (label: string, keys: string[]) =>
    keys.length === 0 ? [] : [`${keys.length} ${label} (key ${keys.slice(0, limit).join(', ')}${keys.length > limit ? ', …' : ''})`];
  return [...name('missing', missing), ...name('extra', extra), ...name('different', changed)];
}
