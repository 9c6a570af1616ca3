import { isDecimal } from './compare-values.js';

/**
 * A string that is equal for two rows exactly when the fields' values are equal (nulls
 * equal each other, as in GROUP BY and DISTINCT); used to bucket rows and groups.
 */
export function groupKey(row: Record<string, unknown>, fields: readonly string[]): string {
  return fields.map((field) => valueToken(row[field])).join('\u0000');
}

function valueToken(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return `D${value.getTime()}`;
  if (isDecimal(value)) return `M${String(value)}`;
  if (typeof value === 'bigint') return `B${value}`;
  if (typeof value === 'number') return `N${value}`;
  if (typeof value === 'string') return `S${value}`;
  if (typeof value === 'boolean') return `T${value}`;
  if (value instanceof Uint8Array) return `X${Buffer.from(value).toString('hex')}`;
  return `J${JSON.stringify(value)}`;
}
