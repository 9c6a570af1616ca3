import { fanOut } from './fan-out.js';
import { checkNested } from './nested-write-check.js';
import type { Row } from './merge/order-by.js';
import type { ShardCallContext } from './shard-call-context.js';
import { ShardKeyRequiredError, UnroutableCallError } from './sharding.errors.js';

/**
 * Writes of a sharded model. New rows go to the shard of their key; writes found by a
 * `where` go to the shards the where names, or — only when the caller opted in to a
 * scatter write — to every shard. A write spanning shards is not atomic across them.
 */

type Args = Record<string, unknown>;

/** `createMany` / `createManyAndReturn`: the rows are split by shard, one call per shard. */
export async function createManyAcross(context: ShardCallContext, operation: string, args: Args): Promise<unknown> {
  const rows = (Array.isArray(args.data) ? args.data : [args.data]) as Row[];
  const byShard = new Map<string, Array<{ index: number; row: Row }>>();
  rows.forEach((row, index) => {
    const shard = context.router.shardOfCreateRow(context.model, operation, row);
    byShard.set(shard, [...(byShard.get(shard) ?? []), { index, row }]);
  });
  const shards = context.router.shardNames.filter((shard) => byShard.has(shard));
  const answers = await fanOut(
    shards,
    (shard) => context.call(shard, operation, { ...args, data: byShard.get(shard)!.map((entry) => entry.row) }),
    { model: context.model, operation },
    // A write must not report success for rows that were not written: no partial results.
    { concurrency: context.fanOut.concurrency },
  );
  if (operation === 'createMany') return { count: answers.reduce((total, answer) => total + (answer.value as { count: number }).count, 0) };
  return inInputOrder(answers, byShard, rows.length);
}

/** Each shard returns its rows in the order they were sent; put them back in the caller's order. */
function inInputOrder(
  answers: Array<{ shard: string; value: unknown }>,
  byShard: Map<string, Array<{ index: number }>>,
  total: number,
): Row[] {
  const ordered: Array<Row | undefined> = new Array(total);
  const extra: Row[] = [];
  for (const { shard, value } of answers) {
    const sent = byShard.get(shard)!;
    const returned = value as Row[];
    // With skipDuplicates a shard returns fewer rows than it was sent; those keep shard order.
    if (returned.length !== sent.length) extra.push(...returned);
    else returned.forEach((row, i) => (ordered[sent[i]!.index] = row));
  }
  return [...ordered.filter((row): row is Row => row !== undefined), ...extra];
}

/**
 * `update`/`delete`/`upsert` of one record. With the key in the where it runs on that
 * shard. Otherwise (allowed only with scatter, or a where naming several shards) the
 * record is located first, then written on the shard that holds it.
 */
export async function singleRecordWrite(
  context: ShardCallContext,
  operation: string,
  args: Args,
  options: { scatter: boolean },
): Promise<unknown> {
  const router = context.router;
  let shards = router.shardsOfWhere(args.where);
  if (operation === 'upsert') {
    shards = await upsertShard(context, args, shards, options);
  } else if (shards.length !== 1) {
    if (router.isKeyless(args.where) && !options.scatter)
      throw new ShardKeyRequiredError(context.model, operation, router.strategy.keyField);
    shards = await locateRecord(context, args.where, shards);
  }
  router.checkKeyUpdate(context.model, operation, operation === 'upsert' ? args.update : args.data, shards);
  if (shards[0] !== undefined) checkNested(context, operation, args, shards[0]);
  // Not found anywhere: let one shard run it, so the caller gets Prisma's own "record not found" error.
  return context.call(shards[0] ?? router.shardNames[0]!, operation, args);
}

/** `updateMany`/`deleteMany`/`updateManyAndReturn` on every shard the where names. */
export async function manyRecordWrite(
  context: ShardCallContext,
  operation: string,
  args: Args,
  options: { scatter: boolean },
): Promise<unknown> {
  const router = context.router;
  if (router.isKeyless(args.where) && !options.scatter) throw new ShardKeyRequiredError(context.model, operation, router.strategy.keyField);
  const shards = router.shardsOfWhere(args.where);
  router.checkKeyUpdate(context.model, operation, args.data, shards);
  if (shards.length === 0) return operation === 'updateManyAndReturn' ? [] : { count: 0 };
  const answers = await fanOut(
    shards,
    (shard) => context.call(shard, operation, args),
    { model: context.model, operation },
    { concurrency: context.fanOut.concurrency },
  );
  if (operation === 'updateManyAndReturn') return answers.flatMap((answer) => answer.value as Row[]);
  return { count: answers.reduce((total, answer) => total + (answer.value as { count: number }).count, 0) };
}

/**
 * The one shard an upsert runs on. One database would update the row its `where` finds, wherever
 * it is, and create a row only when there is none: so a where naming several shards (or, opted in
 * with scatter, no key at all) finds the row first, and only when no shard holds it does the row
 * go to the shard of its create data. Running it on the create data's shard alone would add a
 * second row beside one that lives on another shard.
 */
async function upsertShard(context: ShardCallContext, args: Args, whereShards: string[], options: { scatter: boolean }): Promise<string[]> {
  const router = context.router;
  const createShard = router.shardOfCreateRow(context.model, 'upsert', args.create);
  if (whereShards.length === 1) {
    if (whereShards[0] !== createShard) {
      throw new UnroutableCallError(
        `${context.model}.upsert: its where names shard "${whereShards[0]}" but its create data belongs on shard "${createShard}"; ` +
          `give the same "${router.strategy.keyField}" in both.`,
      );
    }
    return whereShards;
  }
  if (router.isKeyless(args.where) && !options.scatter) {
    throw new ShardKeyRequiredError(
      context.model,
      'upsert',
      router.strategy.keyField,
      `give "${router.strategy.keyField}" in the where (the row may live on any shard), or opt in to a search of every shard with $allShards()`,
    );
  }
  const holders = await locateRecord(context, args.where, whereShards);
  if (holders.length > 1) {
    throw new UnroutableCallError(
      `${context.model}.upsert: its where matches rows on shards ${holders.join(', ')}; a unique where must find one row. Nothing was written.`,
    );
  }
  return holders.length === 1 ? holders : [createShard];
}

async function locateRecord(context: ShardCallContext, where: unknown, shards: readonly string[]): Promise<string[]> {
  const keyField = context.router.strategy.keyField;
  const answers = await fanOut(
    shards,
    (shard) => context.call(shard, 'findFirst', { where: where as Args, select: { [keyField]: true } }) as Promise<Row | null>,
    { model: context.model, operation: 'findFirst' },
    { concurrency: context.fanOut.concurrency },
  );
  return answers.filter((answer) => answer.value !== null).map((answer) => answer.shard);
}
