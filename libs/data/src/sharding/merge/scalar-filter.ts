import { isPlainObject } from '../shard-key-extraction.js';
import { compareValues, type StringComparator } from './compare-values.js';

/**
 * Evaluates a Prisma scalar filter (`5`, `{ gt: 5 }`, `{ in: [...] }`, `{ not: … }`, …)
 * against a value in memory, with SQL's null rules: a comparison with NULL is not true.
 * Used to re-apply `having` after groups from several shards are merged.
 */
export function matchesScalarFilter(value: unknown, filter: unknown, compareStrings: StringComparator): boolean {
  if (!isPlainObject(filter)) return equalsValue(value, filter, compareStrings);
  const isNull = value === null || value === undefined;
  const insensitive = filter.mode === 'insensitive';
  const text = (input: unknown) => (insensitive ? String(input).toLowerCase() : String(input));
  return Object.entries(filter).every(([operator, operand]) => {
    if (operand === undefined) return true;
    switch (operator) {
      case 'equals':
        return equalsValue(value, operand, compareStrings);
      case 'not':
        if (isPlainObject(operand)) return !isNull && !matchesScalarFilter(value, operand, compareStrings);
        return operand === null ? !isNull : !isNull && !equalsValue(value, operand, compareStrings);
      case 'in':
        return !isNull && Array.isArray(operand) && operand.some((candidate) => equalsValue(value, candidate, compareStrings));
      case 'notIn':
        return !isNull && Array.isArray(operand) && !operand.some((candidate) => equalsValue(value, candidate, compareStrings));
      case 'lt':
        return !isNull && operand !== null && compareValues(value, operand, compareStrings) < 0;
      case 'lte':
        return !isNull && operand !== null && compareValues(value, operand, compareStrings) <= 0;
      case 'gt':
        return !isNull && operand !== null && compareValues(value, operand, compareStrings) > 0;
      case 'gte':
        return !isNull && operand !== null && compareValues(value, operand, compareStrings) >= 0;
      case 'contains':
        return !isNull && text(value).includes(text(operand));
      case 'startsWith':
        return !isNull && text(value).startsWith(text(operand));
      case 'endsWith':
        return !isNull && text(value).endsWith(text(operand));
      case 'mode':
        return true;
      default:
        throw new TypeError(`The filter operator "${operator}" cannot be evaluated after a cross-shard merge.`);
    }
  });
}

function equalsValue(value: unknown, operand: unknown, compareStrings: StringComparator): boolean {
  if (operand === null) return value === null || value === undefined;
  if (value === null || value === undefined) return false;
  return compareValues(value, operand, compareStrings) === 0;
}
