import { fanOut } from './fan-out.js';
import { CREATE_OPERATIONS, isReadOperation, MANY_RECORD_WRITES, SINGLE_RECORD_WRITES } from '../prisma-call/index.js';
import { checkNested } from './nested-write-check.js';
import type { ShardCallContext } from './shard-call-context.js';
import { aggregateAcross, countAcross, findFirstAcross, findManyAcross, findUniqueAcross, groupByAcross } from './sharded-reads.js';
import { createManyAcross, manyRecordWrite, singleRecordWrite } from './sharded-writes.js';
import { UnroutableCallError } from './sharding.errors.js';

export interface RouteOptions {
  /** Writes without a shard key may run on every shard (opted in with `$allShards()`). */
  scatter: boolean;
  /** The shard reference models are read from. */
  referenceReadShard: string;
}

type Args = Record<string, unknown>;

/** Executes one Prisma model call through the router: one shard, several, or all with a merge. */
export async function routeCall(context: ShardCallContext, operation: string, args: Args, options: RouteOptions): Promise<unknown> {
  const placement = context.router.placementOf(context.model);
  if (placement.kind === 'single') {
    checkNested(context, operation, args, placement.shard);
    return context.call(placement.shard, operation, args);
  }
  if (placement.kind === 'reference') return referenceCall(context, operation, args, options);

  const router = context.router;
  if (isReadOperation(operation)) {
    const shards = router.shardsOfWhere(args.where);
    // One shard (or none: the filter excludes every shard's keys, and any shard answers "nothing").
    if (shards.length <= 1) return context.call(shards[0] ?? router.shardNames[0]!, operation, args);
    return readAcross(context, operation, shards, args);
  }
  if (operation === 'create') {
    const shard = router.shardOfCreateRow(context.model, operation, args.data);
    checkNested(context, operation, args, shard);
    return context.call(shard, operation, args);
  }
  if (CREATE_OPERATIONS.has(operation)) return createManyAcross(context, operation, args);
  if (SINGLE_RECORD_WRITES.has(operation)) return singleRecordWrite(context, operation, args, options);
  if (MANY_RECORD_WRITES.has(operation)) return manyRecordWrite(context, operation, args, options);
  throw new UnroutableCallError(`${context.model}.${operation} is not an operation the shard router knows how to route.`);
}

async function readAcross(context: ShardCallContext, operation: string, shards: readonly string[], args: Args): Promise<unknown> {
  switch (operation) {
    case 'findMany':
      return findManyAcross(context, shards, args);
    case 'findFirst':
      return findFirstAcross(context, shards, args);
    case 'findFirstOrThrow':
      return (await findFirstAcross(context, shards, args)) ?? context.call(shards[0]!, operation, args);
    case 'findUnique':
      return findUniqueAcross(context, shards, args);
    case 'findUniqueOrThrow':
      return (await findUniqueAcross(context, shards, args)) ?? context.call(shards[0]!, operation, args);
    case 'count':
      return countAcross(context, shards, args);
    case 'aggregate':
      return aggregateAcross(context, shards, args);
    case 'groupBy':
      return groupByAcross(context, shards, args);
    default:
      throw new UnroutableCallError(`${context.model}.${operation} cannot be merged across shards.`);
  }
}

/**
 * Reference models are copied to every shard: reads use one copy, writes go to every
 * copy (one after another is not atomic across shards; a failing shard is named).
 */
async function referenceCall(context: ShardCallContext, operation: string, args: Args, options: RouteOptions): Promise<unknown> {
  if (isReadOperation(operation)) return context.call(options.referenceReadShard, operation, args);
  checkNested(context, operation, args, undefined);
  const answers = await fanOut(
    context.router.shardNames,
    (shard) => context.call(shard, operation, args),
    { model: context.model, operation },
    { concurrency: context.fanOut.concurrency },
  );
  return answers[0]?.value;
}
