import { fanOut } from './fan-out.js';
import { FirstRoundDepths } from './first-round-depths.js';
import type { Row } from './merge/order-by.js';
import { holdsItsWindowRows, type WindowShape } from './merge/window-coverage.js';
import type { ShardCallContext } from './shard-call-context.js';

type Args = Record<string, unknown>;

/**
 * Each shard's `findMany` answer (rows in the window's order), by shard, in shard order; `takeOf`
 * gives a shard's `take` (negative from the end, undefined for every row). Shards left out by a
 * call that allows partial results are missing.
 */
export async function fetchShardRows(
  context: ShardCallContext,
  shards: readonly string[],
  shardArgs: Args,
  takeOf: (shard: string) => number | undefined,
): Promise<Map<string, Row[]>> {
  const answers = await fanOut(
    shards,
    (shard) => {
      const take = takeOf(shard);
      return context.call(shard, 'findMany', take === undefined ? shardArgs : { ...shardArgs, take }) as Promise<Row[]>;
    },
    { model: context.model, operation: 'findMany' },
    context.fanOut,
  );
  return new Map(answers.map((answer) => [answer.shard, answer.value]));
}

/**
 * The shards' rows for a merged window `depth` rows deep, merging to the same window as asking
 * every shard for `depth` rows: each shard first gets its first-round `take` (FirstRoundDepths),
 * then the shards whose answer may miss rows of the window are asked again for the full depth.
 */
export async function fetchWindowParts(
  context: ShardCallContext,
  shards: readonly string[],
  shardArgs: Args,
  window: WindowShape,
): Promise<Row[][]> {
  const kind = `${context.model} ${JSON.stringify(window.order)}${window.fromEnd ? ' from end' : ''}`;
  const limits = context.firstRoundDepths.limits(kind, shards, window.depth);
  const signed = (take: number) => (window.fromEnd ? -take : take);
  const parts = await fetchShardRows(context, shards, shardArgs, (shard) => signed(limits.get(shard) ?? window.depth));

  const askedAgain = new Set<string>();
  const mayMissWindowRows = () => {
    const all = [...parts.values()];
    return [...parts]
      .filter(([shard, part]) => {
        const limit = limits.get(shard) ?? window.depth;
        return limit < window.depth && !askedAgain.has(shard) && !holdsItsWindowRows(part, limit, all, window, context.compareStrings);
      })
      .map(([shard]) => shard);
  };
  // Usually one more round at most; another only when a shard left out (partial results) was counted on.
  for (let short = mayMissWindowRows(); short.length > 0; short = mayMissWindowRows()) {
    const full = await fetchShardRows(context, short, shardArgs, () => signed(window.depth));
    for (const shard of short) {
      askedAgain.add(shard);
      const rows = full.get(shard);
      // A shard whose second round failed is left out, not merged from its first-round rows.
      if (rows === undefined) parts.delete(shard);
      else parts.set(shard, rows);
    }
  }
  context.firstRoundDepths.remember(kind, new Set([...askedAgain, ...stillNeedingFullDepth(parts, limits, window, context)]));
  return [...parts.values()];
}

/** Shards asked for the full depth at once (remembered) whose first-round share would have missed window rows again. */
function stillNeedingFullDepth(
  parts: ReadonlyMap<string, Row[]>,
  limits: ReadonlyMap<string, number>,
  window: WindowShape,
  context: ShardCallContext,
): string[] {
  const share = FirstRoundDepths.share(window.depth, limits.size);
  if (share >= window.depth) return [];
  const all = [...parts.values()];
  return [...parts]
    .filter(([shard, part]) => {
      if (limits.get(shard) !== window.depth) return false;
      const firstShare = window.fromEnd ? part.slice(-share) : part.slice(0, share);
      return !holdsItsWindowRows(firstShare, share, all, window, context.compareStrings);
    })
    .map(([shard]) => shard);
}
