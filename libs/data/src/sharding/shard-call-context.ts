import type { FanOutOptions } from './fan-out.js';
import type { FieldNullability } from './field-nullability.js';
import type { FirstRoundDepths } from './first-round-depths.js';
import type { StringComparator } from './merge/compare-values.js';
import type { RelationFields } from '../prisma-call/index.js';
import type { ShardRouter } from './shard-router.js';

/** What executing one model call across shards needs: a way to call a shard, and the rules. */
export interface ShardCallContext {
  router: ShardRouter;
  /** Prisma model name, e.g. `Transaction`. */
  model: string;
  /** Runs `operation` on the model's delegate of one shard's client. */
  call(shard: string, operation: string, args: Record<string, unknown>): Promise<unknown>;
  fanOut: FanOutOptions;
  compareStrings: StringComparator;
  /** Which fields may be NULL (learned once per field). */
  nullability: FieldNullability;
  /** How many rows each shard is first asked for by a merged `findMany` window (learned per model and order). */
  firstRoundDepths: FirstRoundDepths;
  /** The relation fields of every model, to check nested writes. */
  relations: RelationFields;
}
