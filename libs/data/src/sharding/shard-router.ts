import type { Sharding } from '@neo/topology';
import { createShardingStrategy } from './create-strategy.js';
import { ALL_SHARDS, intersectDestinations, resolveDestination, toShards, type Destination } from './destination.js';
import { ModelRouting, type ModelPlacement } from './model-routing.js';
import { CREATE_OPERATIONS, isReadOperation } from '../prisma-call/index.js';
import { destinationOfWhere, keyOfData, keyUpdateOfData } from './shard-key-extraction.js';
import type { ShardingStrategy } from './sharding-strategy.js';
import { ShardKeyRequiredError, UnroutableCallError } from './sharding.errors.js';

/**
 * The ShardRouter decides, without touching a database, which shards a Prisma call
 * (model, operation, arguments) concerns. Executing and merging is elsewhere.
 */
export class ShardRouter {
  readonly strategy: ShardingStrategy;
  readonly shardNames: readonly string[];
  private readonly routing: ModelRouting;

  /** `now`: the moment whose shard layout routes (see `effectiveShards`); the shards are fixed from then on. */
  constructor(sharding: Sharding, now: Date = new Date()) {
    this.strategy = createShardingStrategy(sharding, now);
    this.routing = new ModelRouting(sharding);
    this.shardNames = this.strategy.shardNames;
  }

  placementOf(model: string): ModelPlacement {
    return this.routing.placementOf(model);
  }

  /** The shard a key value lives on. */
  shardForKey(value: unknown): string {
    return this.strategy.shardFor(value);
  }

  /** The shards a `where` on a sharded model can match, in topology order. */
  shardsOfWhere(where: unknown): string[] {
    return resolveDestination(destinationOfWhere(this.strategy, where), this.shardNames);
  }

  /** Whether the where names no key at all (the call would go everywhere). */
  isKeyless(where: unknown): boolean {
    return destinationOfWhere(this.strategy, where).kind === 'all';
  }

  /** The shard each `create` row belongs to; a row without the key is refused. */
  shardOfCreateRow(model: string, operation: string, row: unknown): string {
    const key = keyOfData(this.strategy, row);
    if (key === undefined || key === null) {
      throw new ShardKeyRequiredError(model, operation, this.strategy.keyField, `every new row must carry "${this.strategy.keyField}"`);
    }
    return this.strategy.shardFor(key);
  }

  /**
   * Refuses an update that would move a row to another shard (rows cannot change
   * database in place): the new key must live on the shard the update runs on.
   */
  checkKeyUpdate(model: string, operation: string, data: unknown, shards: readonly string[]): void {
    const update = keyUpdateOfData(this.strategy, data);
    if (!update) return;
    const target = typeof update.value === 'symbol' ? undefined : this.strategy.shardFor(update.value);
    if (target === undefined || shards.length !== 1 || shards[0] !== target) {
      throw new UnroutableCallError(
        `${model}.${operation} changes the shard key "${this.strategy.keyField}" in a way that could move rows to another shard. ` +
          'Delete the row and create it with the new key instead.',
      );
    }
  }

  /**
   * Every shard a call could touch, for checking calls bound to one shard: reads and
   * many-record writes by their where, creates by their rows, reference writes everywhere.
   */
  destinationOf(model: string, operation: string, args: Record<string, unknown> | undefined): Destination {
    const placement = this.placementOf(model);
    if (placement.kind === 'single') return toShards([placement.shard]);
    if (placement.kind === 'reference') return isReadOperation(operation) ? ALL_SHARDS : toShards(this.shardNames);
    if (CREATE_OPERATIONS.has(operation)) {
      const rows = Array.isArray(args?.data) ? args.data : [args?.data];
      return toShards(rows.map((row) => this.shardOfCreateRow(model, operation, row)));
    }
    let destination = destinationOfWhere(this.strategy, args?.where);
    if (operation === 'upsert')
      destination = intersectDestinations(destination, toShards([this.shardOfCreateRow(model, operation, args?.create)]));
    return destination;
  }
}
