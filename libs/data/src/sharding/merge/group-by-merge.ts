import { isPlainObject } from '../shard-key-extraction.js';
import { UnroutableCallError } from '../sharding.errors.js';
import { aggregateResult, aggregateValue, mergeAggregateStates, stateFromShardResult } from './aggregate-parts.js';
import type { AggregateRequest } from './aggregate-request.js';
import type { StringComparator } from './compare-values.js';
import { groupKey } from './group-key.js';
import { groupPassesHaving, type MergedGroup } from './having.js';
import { compareByOrder, type OrderTerm, type Row } from './order-by.js';

/** How shard groups of a fanned-out `groupBy` become the caller's groups. */
export interface GroupByPlan {
  by: readonly string[];
  /** What the caller asked for (the shards were asked for more). */
  request: AggregateRequest;
  having: unknown;
  /** Terms over `by` fields and `<aggregate>.<field>` sort keys. */
  order: readonly OrderTerm[];
  skip: number;
  take: number | undefined;
}

/**
 * Groups with the same `by` values from different shards are one group: their counts
 * and sums add, minima and maxima compare, averages are recomputed from the sums and
 * counts. `having`, `orderBy`, `skip` and `take` apply after merging, as one database
 * applies them after grouping.
 */
export function mergeGroups(parts: ReadonlyArray<readonly Row[]>, plan: GroupByPlan, compareStrings: StringComparator): Row[] {
  const groups = new Map<string, MergedGroup>();
  for (const row of parts.flat()) {
    const key = groupKey(row, plan.by);
    const state = stateFromShardResult(row);
    const existing = groups.get(key);
    if (existing) existing.state = mergeAggregateStates(existing.state, state, compareStrings);
    else groups.set(key, { values: Object.fromEntries(plan.by.map((field) => [field, row[field] ?? null])), state });
  }
  let merged = [...groups.values()].filter((group) => groupPassesHaving(group, plan.having, compareStrings));
  if (plan.order.length > 0) {
    const sortable = merged.map((group) => ({ group, sortRow: sortRowOf(group, plan.order) }));
    const compare = compareByOrder(plan.order, compareStrings);
    sortable.sort((a, b) => compare(a.sortRow, b.sortRow));
    merged = sortable.map((entry) => entry.group);
  }
  merged = merged.slice(plan.skip, plan.take === undefined ? undefined : plan.skip + plan.take);
  return merged.map((group) => ({ ...group.values, ...aggregateResult(group.state, plan.request) }));
}

/** A groupBy `orderBy` as terms; aggregate orders become `_sum.amount`-style keys. */
export function normalizeGroupOrderBy(orderBy: unknown, model: string): OrderTerm[] {
  if (orderBy === undefined || orderBy === null) return [];
  const entries = (Array.isArray(orderBy) ? orderBy : [orderBy]).flatMap((item) => (isPlainObject(item) ? Object.entries(item) : []));
  return entries.flatMap(([field, value]): OrderTerm[] => {
    if (value === undefined) return [];
    if (field.startsWith('_') && isPlainObject(value)) {
      return Object.entries(value).map(([aggregated, direction]) => termOf(`${field}.${aggregated}`, direction, model));
    }
    return [termOf(field, value, model)];
  });
}

function termOf(field: string, value: unknown, model: string): OrderTerm {
  if (value === 'asc' || value === 'desc') return { field, direction: value, nulls: value === 'asc' ? 'last' : 'first' };
  if (isPlainObject(value) && (value.sort === 'asc' || value.sort === 'desc')) {
    const nulls = value.nulls === 'first' || value.nulls === 'last' ? value.nulls : value.sort === 'asc' ? 'last' : 'first';
    return { field, direction: value.sort, nulls };
  }
  throw new UnroutableCallError(`${model}.groupBy: orderBy "${field}" cannot be merged across shards.`);
}

function sortRowOf(group: MergedGroup, order: readonly OrderTerm[]): Row {
  const row: Row = { ...group.values };
  for (const term of order) {
    const dot = term.field.indexOf('.');
    if (dot > 0) row[term.field] = aggregateValue(group.state, term.field.slice(0, dot), term.field.slice(dot + 1));
  }
  return row;
}

/** The aggregates an aggregate-ordered groupBy needs from each shard. */
export function aggregatesUsedByOrder(order: readonly OrderTerm[]): Record<'count' | 'sum' | 'avg' | 'min' | 'max', string[]> {
  const used = { count: [] as string[], sum: [] as string[], avg: [] as string[], min: [] as string[], max: [] as string[] };
  for (const term of order) {
    const dot = term.field.indexOf('.');
    if (dot <= 0) continue;
    const aggregate = term.field.slice(1, dot) as keyof typeof used;
    if (aggregate in used) used[aggregate].push(term.field.slice(dot + 1));
  }
  return used;
}
