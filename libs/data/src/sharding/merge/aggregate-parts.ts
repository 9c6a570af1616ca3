import { compareValues, type StringComparator } from './compare-values.js';
import { addNumeric, averageOf, toNumeric, type Numeric } from './numeric.js';
import type { AggregateRequest } from './aggregate-request.js';
import type { Row } from './order-by.js';

/** The mergeable state of aggregates over some rows: counts, sums, minima and maxima. */
export interface AggregateState {
  count: Record<string, number>;
  sum: Record<string, Numeric | null>;
  min: Record<string, unknown>;
  max: Record<string, unknown>;
}

export function emptyAggregateState(): AggregateState {
  return { count: {}, sum: {}, min: {}, max: {} };
}

/** Reads one shard's answer to the arguments of `shardAggregateArgs`. */
export function stateFromShardResult(result: Row): AggregateState {
  return {
    count: { ...((result._count as Record<string, number> | undefined) ?? {}) },
    sum: { ...((result._sum as Record<string, Numeric | null> | undefined) ?? {}) },
    min: { ...((result._min as Record<string, unknown> | undefined) ?? {}) },
    max: { ...((result._max as Record<string, unknown> | undefined) ?? {}) },
  };
}

/** The aggregate state of rows held in memory (used when a window such as `take` forbids pushing down). */
export function stateFromRows(rows: readonly Row[], request: AggregateRequest, compareStrings: StringComparator): AggregateState {
  const state = emptyAggregateState();
  const countFields = new Set(['_all', ...(request.count?.shape === 'object' ? request.count.fields : []), ...request.avg]);
  for (const field of countFields)
    state.count[field] = field === '_all' ? rows.length : rows.filter((row) => row[field] !== null && row[field] !== undefined).length;
  for (const field of new Set([...request.sum, ...request.avg]))
    state.sum[field] = rows.reduce<Numeric | null>((sum, row) => addNumeric(sum, toNumeric(row[field])), null);
  for (const field of request.min) state.min[field] = rows.reduce<unknown>((best, row) => pick(best, row[field], -1, compareStrings), null);
  for (const field of request.max) state.max[field] = rows.reduce<unknown>((best, row) => pick(best, row[field], 1, compareStrings), null);
  return state;
}

export function mergeAggregateStates(a: AggregateState, b: AggregateState, compareStrings: StringComparator): AggregateState {
  const merged = emptyAggregateState();
  for (const field of new Set([...Object.keys(a.count), ...Object.keys(b.count)]))
    merged.count[field] = (a.count[field] ?? 0) + (b.count[field] ?? 0);
  for (const field of new Set([...Object.keys(a.sum), ...Object.keys(b.sum)]))
    merged.sum[field] = addNumeric(a.sum[field] ?? null, b.sum[field] ?? null);
  for (const field of new Set([...Object.keys(a.min), ...Object.keys(b.min)]))
    merged.min[field] = pick(a.min[field] ?? null, b.min[field] ?? null, -1, compareStrings);
  for (const field of new Set([...Object.keys(a.max), ...Object.keys(b.max)]))
    merged.max[field] = pick(a.max[field] ?? null, b.max[field] ?? null, 1, compareStrings);
  return merged;
}

/** The value of one aggregate (`_count`, `_sum`, …) of one field, as the caller would see it. */
export function aggregateValue(state: AggregateState, aggregate: string, field: string): unknown {
  switch (aggregate) {
    case '_count':
      return state.count[field] ?? 0;
    case '_sum':
      return state.sum[field] ?? null;
    case '_avg':
      return averageOf(state.sum[field] ?? null, state.count[field] ?? 0);
    case '_min':
      return state.min[field] ?? null;
    case '_max':
      return state.max[field] ?? null;
    default:
      return undefined;
  }
}

/** The result object in the shape the caller asked for (only the aggregates it asked for). */
export function aggregateResult(state: AggregateState, request: AggregateRequest): Row {
  const result: Row = {};
  if (request.count?.shape === 'number') result._count = state.count._all ?? 0;
  else if (request.count)
    result._count = Object.fromEntries(request.count.fields.map((field) => [field, aggregateValue(state, '_count', field)]));
  const add = (aggregate: '_sum' | '_avg' | '_min' | '_max', fields: string[]) => {
    if (fields.length > 0) result[aggregate] = Object.fromEntries(fields.map((field) => [field, aggregateValue(state, aggregate, field)]));
  };
  add('_sum', request.sum);
  add('_avg', request.avg);
  add('_min', request.min);
  add('_max', request.max);
  return result;
}

/** The smaller (direction -1) or larger (1) of two values; nulls lose, as in SQL MIN/MAX. */
function pick(current: unknown, candidate: unknown, direction: -1 | 1, compareStrings: StringComparator): unknown {
  if (candidate === null || candidate === undefined) return current ?? null;
  if (current === null || current === undefined) return candidate;
  return compareValues(candidate, current, compareStrings) * direction > 0 ? candidate : current;
}
