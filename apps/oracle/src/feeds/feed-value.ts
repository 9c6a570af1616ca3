import { InvalidFeedValueError } from './feed.errors.js';

/** Most digits after the decimal point a feed may declare (the column is NUMERIC(78, 18)). */
export const MAX_DECIMALS = 18;
/** Most digits before the decimal point (78 - 18: every uint256 fits). */
export const MAX_INTEGER_DIGITS = 60;

/** A plain decimal string: optional minus, digits, optional fraction. No exponent, no plus sign, no spaces. */
export const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

/**
 * Checks a published value against its feed's `decimals` and the column's range, and returns it
 * in canonical form (no leading zeros, exactly `decimals` fractional digits). Values are kept as
 * strings end to end: a JavaScript number would round them.
 */
export function canonicalValue(value: string, decimals: number): string {
  if (!DECIMAL_PATTERN.test(value)) {
    throw new InvalidFeedValueError(`value ${JSON.stringify(value)} is not a decimal number such as "1234.56"`);
  }
  const negative = value.startsWith('-');
  const [integerPart = '0', fraction = ''] = (negative ? value.slice(1) : value).split('.');
  const integer = integerPart.replace(/^0+(?=\d)/, '');
  if (integer.length > MAX_INTEGER_DIGITS) {
    throw new InvalidFeedValueError(`value has ${integer.length} integer digits; at most ${MAX_INTEGER_DIGITS} are allowed`);
  }
  const significantFraction = fraction.replace(/0+$/, '');
  if (significantFraction.length > decimals) {
    throw new InvalidFeedValueError(
      `value ${JSON.stringify(value)} has ${significantFraction.length} decimal places, but this feed has ${decimals}; round it before publishing`,
    );
  }
  const paddedFraction = significantFraction.padEnd(decimals, '0');
  const isZero = /^0+$/.test(integer) && /^0*$/.test(paddedFraction);
  const sign = negative && !isZero ? '-' : '';
  return decimals === 0 ? `${sign}${integer}` : `${sign}${integer}.${paddedFraction}`;
}
