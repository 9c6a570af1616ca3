import { fanOut } from './fan-out.js';
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
    const createShard = router.shardOfCreateRow(context.model, operation, args.create);
    if (!shards.includes(createShard)) {
      throw new UnroutableCallError(
        `${context.model}.upsert: its where names shard(s) ${shards.join(', ') || '(none)'} but its create data belongs on shard "${createShard}"; ` +
          `give the same "${router.strategy.keyField}" in both.`,
      );
    }
    shards = [createShard];
  } else if (shards.length !== 1) {
    if (router.isKeyless(args.where) && !options.scatter)
      throw new ShardKeyRequiredError(context.model, operation, router.strategy.keyField);
    shards = await locateRecord(context, args.where, shards);
  }
  router.checkKeyUpdate(context.model, operation, operation === 'upsert' ? args.update : args.data, shards);
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
