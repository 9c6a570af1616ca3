import { withEffectiveShards, type Sharding } from '@neo/topology';
import { HashStrategy } from './hash.strategy.js';
import { ModuloStrategy } from './modulo.strategy.js';
import { RangeStrategy } from './range.strategy.js';
import type { ShardingStrategy } from './sharding-strategy.js';

/**
 * The strategy a topology's sharding block declares (the block was validated at load), over the
 * shards of the layout at `now` (a rollover's next year included once it is within `aheadDays`).
 */
export function createShardingStrategy(declared: Sharding, now: Date = new Date()): ShardingStrategy {
  const sharding = withEffectiveShards(declared, now);
  switch (sharding.strategy) {
    case 'modulo':
      return new ModuloStrategy(sharding.key, sharding.shards, sharding.modulus);
    case 'hash':
      return new HashStrategy(sharding.key, sharding.shards);
    case 'range':
      return new RangeStrategy(sharding.key, sharding.shards);
  }
}
