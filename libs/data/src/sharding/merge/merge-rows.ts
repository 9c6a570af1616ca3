import type { StringComparator } from './compare-values.js';
import { groupKey } from './group-key.js';
import { compareByOrder, type OrderTerm, type Row } from './order-by.js';

/** How shard results of a fanned-out `findMany` become one page. */
export interface RowMergePlan {
  order: readonly OrderTerm[];
  distinct: readonly string[];
  skip: number;
  /** Absolute page size; undefined = all rows. */
  take: number | undefined;
  /** A negative `take` counts from the end of the ordered rows. */
  fromEnd: boolean;
  /** Fields selected only so the rows could be merged; removed from the result. */
  strip: readonly string[];
}

/**
 * Merges ordered shard results: a stable sort (ties keep shard order, like one
 * database's unspecified tie order), then `distinct` (first row of each combination),
 * then the `skip`/`take` window.
 */
export function mergeRows(parts: ReadonlyArray<readonly Row[]>, plan: RowMergePlan, compareStrings: StringComparator): Row[] {
  let rows = parts.flat();
  // flat() made a new array, so it can be sorted in place.
  if (plan.order.length > 0) rows.sort(compareByOrder(plan.order, compareStrings));
  if (plan.distinct.length > 0) rows = keepFirstOfEachCombination(rows, plan.distinct, plan.fromEnd);
  rows = window(rows, plan);
  if (plan.strip.length === 0) return rows;
  return rows.map((row) => {
    const copy = { ...row };
    for (const field of plan.strip) delete copy[field];
    return copy;
  });
}

function window(rows: Row[], plan: RowMergePlan): Row[] {
  if (plan.fromEnd) {
    const end = Math.max(0, rows.length - plan.skip);
    return rows.slice(plan.take === undefined ? 0 : Math.max(0, end - plan.take), end);
  }
  return rows.slice(plan.skip, plan.take === undefined ? undefined : plan.skip + plan.take);
}

function keepFirstOfEachCombination(rows: Row[], fields: readonly string[], fromEnd: boolean): Row[] {
  const seen = new Set<string>();
  const kept: Row[] = [];
  for (const row of fromEnd ? [...rows].reverse() : rows) {
    const key = groupKey(row, fields);
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(row);
  }
  return fromEnd ? kept.reverse() : kept;
}
