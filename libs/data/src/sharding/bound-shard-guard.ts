import { CREATE_OPERATIONS, isReadOperation } from '../prisma-call/index.js';
import type { ShardRouter } from './shard-router.js';
import { CrossShardTransactionError } from './sharding.errors.js';

/**
 * Checks that a call made through a client bound to one shard (`$shard(key)`, and the
 * transactions opened on it) stays on that shard. Calls without a shard key are
 * confined to the bound shard by the scope itself; calls whose key belongs elsewhere,
 * and writes of reference models (which must reach every shard), are refused before
 * anything is sent.
 */
export function assertStaysOnShard(
  router: ShardRouter,
  shard: string,
  model: string,
  operation: string,
  args: Record<string, unknown>,
): void {
  const placement = router.placementOf(model);
  if (placement.kind === 'reference' && !isReadOperation(operation)) {
    throw new CrossShardTransactionError(
      `${model}.${operation} writes a reference model, which must reach every shard; this client is bound to shard "${shard}". ` +
        'Write reference models through the sharded client, outside a one-shard transaction.',
    );
  }
  if (placement.kind === 'sharded' && !CREATE_OPERATIONS.has(operation)) {
    router.checkKeyUpdate(model, operation, operation === 'upsert' ? args.update : args.data, [shard]);
  }
  const destination = router.destinationOf(model, operation, args);
  if (destination.kind === 'all') return;
  const others = destination.shards.filter((candidate) => candidate !== shard);
  if (others.length > 0) {
    throw new CrossShardTransactionError(
      `${model}.${operation} belongs on shard(s) ${destination.shards.map((name) => `"${name}"`).join(', ')}, but this client is bound to shard "${shard}" ` +
        '($shard(key) or a transaction on it). A transaction can touch one shard only: split the work per shard.',
    );
  }
}
