import { UnroutableCallError } from '../sharding.errors.js';
import { compareValues, type StringComparator } from './compare-values.js';
import { isPlainObject } from '../shard-key-extraction.js';

/** One ORDER BY term with PostgreSQL's defaults made explicit (ASC → NULLS LAST, DESC → NULLS FIRST). */
export interface OrderTerm {
  field: string;
  direction: 'asc' | 'desc';
  nulls: 'first' | 'last';
}

export type Row = Record<string, unknown>;

/** Prisma's `orderBy` (an object or a list of them) as explicit terms; only scalar fields can be merged. */
export function normalizeOrderBy(orderBy: unknown, model: string): OrderTerm[] {
  if (orderBy === undefined || orderBy === null) return [];
  const entries = (Array.isArray(orderBy) ? orderBy : [orderBy]).flatMap((item) => (isPlainObject(item) ? Object.entries(item) : []));
  return entries
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => {
      if (value === 'asc' || value === 'desc') return { field, direction: value, nulls: value === 'asc' ? 'last' : 'first' };
      if (isPlainObject(value) && (value.sort === 'asc' || value.sort === 'desc')) {
        const direction = value.sort;
        const nulls = value.nulls === 'first' || value.nulls === 'last' ? value.nulls : direction === 'asc' ? 'last' : 'first';
        return { field, direction, nulls };
      }
      throw new UnroutableCallError(
        `${model}: orderBy "${field}" (a relation, aggregate or relevance order) cannot be merged across shards. ` +
          'Order by scalar fields, or add the shard key to the where so the call runs on one shard.',
      );
    });
}

/** The same order backwards (for a negative `take`). */
export function reverseOrder(terms: readonly OrderTerm[]): OrderTerm[] {
  return terms.map((term) => ({
    field: term.field,
    direction: term.direction === 'asc' ? 'desc' : 'asc',
    nulls: term.nulls === 'first' ? 'last' : 'first',
  }));
}

export function compareByOrder(terms: readonly OrderTerm[], compareStrings: StringComparator): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const term of terms) {
      const result = compareTerm(term, a[term.field], b[term.field], compareStrings);
      if (result !== 0) return result;
    }
    return 0;
  };
}

export function compareTerm(term: OrderTerm, a: unknown, b: unknown, compareStrings: StringComparator): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) {
    if (aNull && bNull) return 0;
    return (aNull ? -1 : 1) * (term.nulls === 'first' ? 1 : -1);
  }
  const result = compareValues(a, b, compareStrings);
  return term.direction === 'asc' ? result : -result;
}
