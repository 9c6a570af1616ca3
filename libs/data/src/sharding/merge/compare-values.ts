/** Orders two strings; the default is code point order, which is PostgreSQL's under the C / C.UTF-8 collations. */
export type StringComparator = (a: string, b: string) => number;

/**
 * Code point order. JavaScript's `<` compares UTF-16 code units, which disagrees with
 * code points only when a surrogate meets a BMP character at or above U+E000, so
 * those units are shifted into code point order at the first difference.
 */
export const compareCodePoints: StringComparator = (a, b) => {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
};

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** A Prisma Decimal (decimal.js) without importing the runtime class. */
export interface DecimalLike {
  comparedTo(other: DecimalLike | number | string): number;
  plus(other: DecimalLike | number | string): DecimalLike;
  div(other: DecimalLike | number | string): DecimalLike;
  /** Plain notation, every digit, no exponent. */
  toFixed(): string;
}

export function isDecimal(value: unknown): value is DecimalLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as DecimalLike).comparedTo === 'function' &&
    typeof (value as DecimalLike).plus === 'function'
  );
}

/** Compares two non-null column values of the same field the way PostgreSQL orders them. */
export function compareValues(a: unknown, b: unknown, compareStrings: StringComparator): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (isDecimal(a)) return a.comparedTo(b as DecimalLike);
  if (isDecimal(b)) return -b.comparedTo(a as DecimalLike);
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  // Enums arrive as strings; anything else (JSON) has no order to merge by.
  return compareStrings(String(a), String(b));
}
