/**
 * PostgreSQL's AVG of a `numeric` (or integer) column, digit for digit. AVG is SUM / COUNT
 * computed by numeric division, whose result scale PostgreSQL chooses from the operands
 * (`select_div_scale` in src/backend/utils/adt/numeric.c): at least 16 significant digits,
 * never fewer decimals than the sum carries, rounded half away from zero. Merging shards'
 * SUMs and COUNTs and dividing with that same rule gives the answer one database would.
 *
 * @param sum the total sum as a plain decimal string (`-123.45`, no exponent)
 * @param count how many values were summed (> 0)
 * @param sumScale decimals the sum carries in PostgreSQL (its column's scale); at least the decimals in `sum`
 * @returns the average as a plain decimal string with PostgreSQL's number of decimals
 */
export function postgresNumericAverage(sum: string, count: number | bigint, sumScale = 0): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(sum);
  if (!match) throw new TypeError(`Not a plain decimal: ${sum}`);
  const [, sign, integerDigits, fractionDigits = ''] = match;
  const divisor = BigInt(count);
  if (divisor <= 0n) throw new RangeError('An average needs a positive count.');

  const scale = resultScale(integerDigits!, fractionDigits, divisor.toString(), Math.max(sumScale, fractionDigits.length));
  const scaledSum = BigInt(integerDigits! + fractionDigits);
  const numerator = scaledSum * 10n ** BigInt(scale);
  const denominator = divisor * 10n ** BigInt(fractionDigits.length);
  let quotient = numerator / denominator;
  if ((numerator % denominator) * 2n >= denominator) quotient += 1n; // half away from zero
  return format(quotient, scale, sign === '-' && quotient !== 0n);
}

const NUMERIC_MIN_SIG_DIGITS = 16;
const DEC_DIGITS = 4; // numeric stores base-10000 digits of 4 decimal digits each
const NUMERIC_MAX_DISPLAY_SCALE = 1000;

/** `select_div_scale`: the quotient's estimated weight decides how many decimals give 16 significant digits. */
function resultScale(integerDigits: string, fractionDigits: string, divisorDigits: string, dividendScale: number): number {
  const dividend = baseTenThousandLead(integerDigits, fractionDigits);
  const divisor = baseTenThousandLead(divisorDigits, '');
  let quotientWeight = dividend.weight - divisor.weight;
  if (dividend.firstDigit <= divisor.firstDigit) quotientWeight--;
  const scale = Math.max(NUMERIC_MIN_SIG_DIGITS - quotientWeight * DEC_DIGITS, dividendScale, 0);
  return Math.min(scale, NUMERIC_MAX_DISPLAY_SCALE);
}

/** The weight (position of the base-10000 digit, 0 = units) and value of a number's first non-zero base-10000 digit; 0/0 for zero. */
function baseTenThousandLead(integerDigits: string, fractionDigits: string): { weight: number; firstDigit: number } {
  const integer = integerDigits.replace(/^0+/, '');
  if (integer.length > 0) {
    const leadLength = ((integer.length - 1) % DEC_DIGITS) + 1;
    return { weight: Math.floor((integer.length - 1) / DEC_DIGITS), firstDigit: Number(integer.slice(0, leadLength)) };
  }
  const padded = fractionDigits.padEnd(Math.ceil(fractionDigits.length / DEC_DIGITS) * DEC_DIGITS, '0');
  for (let group = 0; group * DEC_DIGITS < padded.length; group++) {
    const digit = Number(padded.slice(group * DEC_DIGITS, (group + 1) * DEC_DIGITS));
    if (digit !== 0) return { weight: -(group + 1), firstDigit: digit };
  }
  return { weight: 0, firstDigit: 0 };
}

function format(scaled: bigint, scale: number, negative: boolean): string {
  const digits = (scaled < 0n ? -scaled : scaled).toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${integer}${scale > 0 ? `.${fraction}` : ''}`;
}
