import { isDecimal, type DecimalLike } from './compare-values.js';
import { postgresNumericAverage } from './numeric-average.js';

/** A summed column value as Prisma returns it: number (Int, Float), bigint (BigInt) or Decimal. */
export type Numeric = number | bigint | DecimalLike;

/** Adds two partial sums; null means "no non-null values" (SQL SUM of nothing). */
export function addNumeric(a: Numeric | null, b: Numeric | null): Numeric | null {
  if (a === null) return b;
  if (b === null) return a;
  if (isDecimal(a)) return a.plus(b as unknown as DecimalLike);
  if (isDecimal(b)) return b.plus(a as unknown as DecimalLike);
  if (typeof a === 'bigint' && typeof b === 'bigint') return a + b;
  return Number(a) + Number(b);
}

/**
 * AVG from a total SUM and COUNT, as PostgreSQL computes it on one database: for Decimal (and
 * BigInt) columns by numeric division with PostgreSQL's result scale, so the digits are the
 * same; a Decimal for Decimal columns, a number otherwise (as Prisma returns).
 */
export function averageOf(sum: Numeric | null, count: number): Numeric | null {
  if (sum === null || count === 0) return null;
  if (isDecimal(sum)) {
    const plain = sum.toFixed();
    const DecimalClass = sum.constructor as new (value: string) => DecimalLike;
    // The sum's own decimals stand for its column's scale (a Decimal drops trailing zeros; they
    // change the result only for averages of 16 or more integer digits).
    return new DecimalClass(postgresNumericAverage(plain, count, plain.split('.')[1]?.length ?? 0));
  }
  if (typeof sum === 'bigint') return Number(postgresNumericAverage(sum.toString(), count));
  return Number(sum) / count;
}

export function toNumeric(value: unknown): Numeric | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'bigint' || isDecimal(value)) return value;
  throw new TypeError(`Cannot sum a ${typeof value} value.`);
}
