import type { Sharding } from '@neo/topology';
import { ShardingConfigError, UnroutableCallError } from './sharding.errors.js';

/** How one Prisma model's rows are placed. */
export type ModelPlacement =
  | { kind: 'sharded' }
  /** Copied to every shard: written everywhere, read from one. */
  | { kind: 'reference' }
  /** Lives on one named shard. */
  | { kind: 'single'; shard: string };

/** The placement of every model the sharding block names. */
export class ModelRouting {
  private readonly placements = new Map<string, ModelPlacement>();

  constructor(sharding: Pick<Sharding, 'models' | 'referenceModels' | 'singleModels' | 'shards'>) {
    const shardNames = new Set(sharding.shards.map((shard) => shard.name));
    const place = (model: string, placement: ModelPlacement) => {
      if (this.placements.has(model))
        throw new ShardingConfigError(
          `Model "${model}" is declared more than once in the sharding block (models, referenceModels, singleModels).`,
        );
      this.placements.set(model, placement);
    };
    sharding.models.forEach((model) => place(model, { kind: 'sharded' }));
    (sharding.referenceModels ?? []).forEach((model) => place(model, { kind: 'reference' }));
    for (const [model, shard] of Object.entries(sharding.singleModels ?? {})) {
      if (!shardNames.has(shard))
        throw new ShardingConfigError(`Single model "${model}" names shard "${shard}", which the sharding block does not declare.`);
      place(model, { kind: 'single', shard });
    }
  }

  placementOf(model: string): ModelPlacement {
    const placement = this.placements.get(model);
    if (!placement) {
      throw new UnroutableCallError(
        `Model "${model}" is not in the sharding block: list it under models (split by the shard key), ` +
          'referenceModels (copied to every shard) or singleModels (on one named shard).',
      );
    }
    return placement;
  }
}
