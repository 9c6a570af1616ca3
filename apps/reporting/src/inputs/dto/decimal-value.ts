/** Digits a value may have each side of the point: the column is NUMERIC(38, 10). */
export const VALUE_INTEGER_DIGITS = 28;
export const VALUE_FRACTION_DIGITS = 10;

/** A decimal written as a string, optionally negative: no exponent, no plus sign, no spaces. */
export const VALUE_PATTERN = new RegExp(`^-?\\d{1,${VALUE_INTEGER_DIGITS}}(\\.\\d{1,${VALUE_FRACTION_DIGITS}})?$`);
