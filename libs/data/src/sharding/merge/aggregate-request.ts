import { isPlainObject } from '../shard-key-extraction.js';

/**
 * The aggregates a Prisma `aggregate`/`groupBy`/`count` call asks for, normalised:
 * `_count: true` (a number) or `_count: { _all, field }` (an object), and the field
 * lists of `_sum`, `_avg`, `_min`, `_max`.
 */
export interface AggregateRequest {
  count: { shape: 'number' } | { shape: 'object'; fields: string[] } | undefined;
  sum: string[];
  avg: string[];
  min: string[];
  max: string[];
}

export const AGGREGATE_KEYS = ['_count', '_sum', '_avg', '_min', '_max'] as const;

export function readAggregateRequest(args: Record<string, unknown>): AggregateRequest {
  const count = args._count;
  return {
    count: count === true ? { shape: 'number' } : isPlainObject(count) ? { shape: 'object', fields: selectedFields(count) } : undefined,
    sum: selectedFields(args._sum),
    avg: selectedFields(args._avg),
    min: selectedFields(args._min),
    max: selectedFields(args._max),
  };
}

/** Adds what a merge step needs beyond what the caller asked (e.g. SUM and COUNT for an AVG). */
export function widenRequest(
  request: AggregateRequest,
  extra: Partial<Record<'count' | 'sum' | 'avg' | 'min' | 'max', string[]>>,
): AggregateRequest {
  const countFields = request.count?.shape === 'object' ? request.count.fields : request.count ? ['_all'] : [];
  const extraCount = extra.count ?? [];
  return {
    count: countFields.length + extraCount.length > 0 ? { shape: 'object', fields: unique([...countFields, ...extraCount]) } : undefined,
    sum: unique([...request.sum, ...(extra.sum ?? [])]),
    avg: unique([...request.avg, ...(extra.avg ?? [])]),
    min: unique([...request.min, ...(extra.min ?? [])]),
    max: unique([...request.max, ...(extra.max ?? [])]),
  };
}

/**
 * The aggregate arguments each shard runs: counts always as an object with `_all`, and
 * every AVG replaced by its SUM and COUNT, which merge exactly.
 */
export function shardAggregateArgs(request: AggregateRequest): Record<string, Record<string, true>> {
  const countFields = unique(['_all', ...(request.count?.shape === 'object' ? request.count.fields : []), ...request.avg]);
  const args: Record<string, Record<string, true>> = { _count: asSelection(countFields) };
  const sum = unique([...request.sum, ...request.avg]);
  if (sum.length > 0) args._sum = asSelection(sum);
  if (request.min.length > 0) args._min = asSelection(request.min);
  if (request.max.length > 0) args._max = asSelection(request.max);
  return args;
}

function selectedFields(selection: unknown): string[] {
  if (!isPlainObject(selection)) return [];
  return Object.entries(selection)
    .filter(([, on]) => on === true)
    .map(([field]) => field);
}

function asSelection(fields: readonly string[]): Record<string, true> {
  return Object.fromEntries(fields.map((field) => [field, true]));
}

function unique(fields: readonly string[]): string[] {
  return [...new Set(fields)];
}
