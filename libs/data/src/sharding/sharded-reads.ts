import { fanOut } from './fan-out.js';
import { definedOnly, withFieldsSelected } from './field-selection.js';
import {
  aggregateResult,
  emptyAggregateState,
  mergeAggregateStates,
  stateFromRows,
  stateFromShardResult,
} from './merge/aggregate-parts.js';
import { readAggregateRequest, shardAggregateArgs, widenRequest, type AggregateRequest } from './merge/aggregate-request.js';
import { atOrAfterCursorWhere } from './merge/cursor-filter.js';
import { aggregatesUsedByOrder, mergeGroups, normalizeGroupOrderBy } from './merge/group-by-merge.js';
import { aggregatesUsedByHaving } from './merge/having.js';
import { mergeRows } from './merge/merge-rows.js';
import { normalizeOrderBy, reverseOrder, type OrderTerm, type Row } from './merge/order-by.js';
import type { ShardCallContext } from './shard-call-context.js';
import { isPlainObject } from './shard-key-extraction.js';
import { fetchShardRows, fetchWindowParts } from './window-parts.js';

/**
 * Reads of a sharded model that span several shards: each shard answers a query that
 * can be merged (a deeper `take`, sums and counts instead of averages, groups without
 * `having`), and the answers are merged into what one database would have returned.
 */

type Args = Record<string, unknown>;

export async function findManyAcross(context: ShardCallContext, shards: readonly string[], args: Args): Promise<Row[]> {
  const take = typeof args.take === 'number' ? args.take : undefined;
  const skip = typeof args.skip === 'number' ? args.skip : 0;
  const fromEnd = take !== undefined && take < 0;
  let order = normalizeOrderBy(args.orderBy, context.model);
  let orderBy = args.orderBy;
  let where = args.where;

  const distinct = normalizeDistinct(args.distinct);
  if (args.cursor !== undefined) {
    // Without an orderBy, order by the cursor's own unique fields so "after the cursor" has a meaning.
    if (order.length === 0) {
      order = cursorFields(args.cursor).map((field): OrderTerm => ({ field, direction: 'asc', nulls: 'last' }));
      orderBy = order.map((term) => ({ [term.field]: term.direction }));
    }
    const nullable = new Map<string, boolean>();
    for (const term of order) {
      nullable.set(
        term.field,
        await context.nullability.isNullable(context.model, term.field, (probe) => context.call(shards[0]!, 'findFirst', probe)),
      );
    }
    // With distinct, or an order over a nullable field, one database also requires the cursor row to
    // match the where (else the page is empty); over required fields it does not.
    const cursorMustMatch = distinct.length > 0 || order.some((term) => nullable.get(term.field) ?? true);
    const cursorWhere = cursorMustMatch && args.where !== undefined ? { ...(args.cursor as Args), AND: [args.where] } : args.cursor;
    const found = await findCursorRow(context, cursorWhere, order);
    if (!found) return [];
    const boundary = atOrAfterCursorWhere(fromEnd ? reverseOrder(order) : order, found, (field) => nullable.get(field) ?? true);
    where = where === undefined ? boundary : { AND: [where, boundary] };
  }

  const { args: selected, added } = withFieldsSelected(args, [...order.map((term) => term.field), ...distinct]);
  const shardArgs = definedOnly({ ...selected, where, orderBy, cursor: undefined, skip: undefined, take: undefined });
  // The merged window reaches skip + |take| rows deep; no shard needs more than that.
  const depth = take === undefined ? undefined : skip + Math.abs(take);
  let parts: Row[][];
  if (depth !== undefined && distinct.length === 0) {
    parts = await fetchWindowParts(context, shards, shardArgs, { order, fromEnd, depth });
  } else {
    // Every row (no take), or with distinct the full depth from each shard: its rows may repeat another shard's combinations.
    const shardTake = depth === undefined ? undefined : fromEnd ? -depth : depth;
    parts = [...(await fetchShardRows(context, shards, shardArgs, () => shardTake)).values()];
  }
  return mergeRows(
    parts,
    { order, distinct, skip, take: take === undefined ? undefined : Math.abs(take), fromEnd, strip: added },
    context.compareStrings,
  );
}

export async function findFirstAcross(context: ShardCallContext, shards: readonly string[], args: Args): Promise<Row | null> {
  const take = typeof args.take === 'number' && args.take < 0 ? -1 : 1;
  const rows = await findManyAcross(context, shards, { ...args, take });
  return rows[0] ?? null;
}

/** A unique where matches at most one row, so the first shard that has it answers. */
export async function findUniqueAcross(context: ShardCallContext, shards: readonly string[], args: Args): Promise<Row | null> {
  const answers = await fanOut(
    shards,
    (shard) => context.call(shard, 'findUnique', args) as Promise<Row | null>,
    { model: context.model, operation: 'findUnique' },
    context.fanOut,
  );
  return answers.find((answer) => answer.value !== null)?.value ?? null;
}

export async function countAcross(
  context: ShardCallContext,
  shards: readonly string[],
  args: Args,
): Promise<number | Record<string, number>> {
  const select = isPlainObject(args.select) ? args.select : undefined;
  if (args.take !== undefined || args.skip !== undefined || args.cursor !== undefined || args.distinct !== undefined) {
    // A counted window needs the merged rows themselves.
    const fields = select ? Object.keys(select).filter((field) => field !== '_all' && select[field] === true) : [];
    const rows = await findManyAcross(
      context,
      shards,
      definedOnly({ ...args, select: asSelection([context.router.strategy.keyField, ...fields]) }),
    );
    if (!select) return rows.length;
    return Object.fromEntries(
      Object.keys(select)
        .filter((field) => select[field] === true)
        .map((field) => [
          field,
          field === '_all' ? rows.length : rows.filter((row) => row[field] !== null && row[field] !== undefined).length,
        ]),
    );
  }
  const answers = await fanOut(
    shards,
    (shard) => context.call(shard, 'count', args) as Promise<number | Record<string, number>>,
    { model: context.model, operation: 'count' },
    context.fanOut,
  );
  const values = answers.map((answer) => answer.value);
  if (!select) return values.reduce<number>((total, value) => total + (value as number), 0);
  const totals: Record<string, number> = {};
  for (const value of values as Array<Record<string, number>>) {
    for (const [field, count] of Object.entries(value)) totals[field] = (totals[field] ?? 0) + count;
  }
  return totals;
}

export async function aggregateAcross(context: ShardCallContext, shards: readonly string[], args: Args): Promise<Row> {
  const request = readAggregateRequest(args);
  if (args.take !== undefined || args.skip !== undefined || args.cursor !== undefined) {
    // An aggregate over a window (take/skip/cursor) is computed from the merged window's rows.
    const rows = await findManyAcross(
      context,
      shards,
      definedOnly({
        where: args.where,
        orderBy: args.orderBy,
        cursor: args.cursor,
        take: args.take,
        skip: args.skip,
        select: asSelection([context.router.strategy.keyField, ...fieldsOf(request)]),
      }),
    );
    return aggregateResult(stateFromRows(rows, request, context.compareStrings), request);
  }
  const shardArgs = definedOnly({ where: args.where, ...shardAggregateArgs(request) });
  const answers = await fanOut(
    shards,
    (shard) => context.call(shard, 'aggregate', shardArgs) as Promise<Row>,
    { model: context.model, operation: 'aggregate' },
    context.fanOut,
  );
  const state = answers.reduce(
    (merged, answer) => mergeAggregateStates(merged, stateFromShardResult(answer.value), context.compareStrings),
    emptyAggregateState(),
  );
  return aggregateResult(state, request);
}

export async function groupByAcross(context: ShardCallContext, shards: readonly string[], args: Args): Promise<Row[]> {
  const by = (Array.isArray(args.by) ? args.by : [args.by]) as string[];
  const request = readAggregateRequest(args);
  const order = normalizeGroupOrderBy(args.orderBy, context.model);
  const fromHaving = aggregatesUsedByHaving(args.having);
  const fromOrder = aggregatesUsedByOrder(order);
  const widened = widenRequest(request, {
    count: [...fromHaving.count, ...fromOrder.count],
    sum: [...fromHaving.sum, ...fromOrder.sum],
    avg: [...fromHaving.avg, ...fromOrder.avg],
    min: [...fromHaving.min, ...fromOrder.min],
    max: [...fromHaving.max, ...fromOrder.max],
  });
  // Each shard groups its own rows; having, order and the window only make sense on merged groups.
  const shardArgs = definedOnly({ by, where: args.where, ...shardAggregateArgs(widened) });
  const answers = await fanOut(
    shards,
    (shard) => context.call(shard, 'groupBy', shardArgs) as Promise<Row[]>,
    { model: context.model, operation: 'groupBy' },
    context.fanOut,
  );
  return mergeGroups(
    answers.map((answer) => answer.value),
    {
      by,
      request,
      having: args.having,
      order,
      skip: typeof args.skip === 'number' ? args.skip : 0,
      take: typeof args.take === 'number' ? args.take : undefined,
    },
    context.compareStrings,
  );
}

/** The cursor row's order-field values, from whichever shard holds it. */
async function findCursorRow(context: ShardCallContext, cursor: unknown, order: readonly OrderTerm[]): Promise<Row | null> {
  const shards = context.router.shardsOfWhere(cursor);
  const select = asSelection(order.map((term) => term.field));
  return findUniqueAcross(context, shards, { where: cursor as Args, select });
}

function cursorFields(cursor: unknown): string[] {
  if (!isPlainObject(cursor)) return [];
  return Object.entries(cursor).flatMap(([field, value]) => (isPlainObject(value) ? Object.keys(value) : [field]));
}

function normalizeDistinct(distinct: unknown): string[] {
  if (distinct === undefined || distinct === null) return [];
  return (Array.isArray(distinct) ? distinct : [distinct]) as string[];
}

function fieldsOf(request: AggregateRequest): string[] {
  const countFields = request.count?.shape === 'object' ? request.count.fields.filter((field) => field !== '_all') : [];
  return [...new Set([...countFields, ...request.sum, ...request.avg, ...request.min, ...request.max])];
}

function asSelection(fields: readonly string[]): Record<string, true> {
  return Object.fromEntries([...new Set(fields)].map((field) => [field, true]));
}
