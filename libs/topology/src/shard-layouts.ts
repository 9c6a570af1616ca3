import { serviceShards } from './effective-shards.js';
import type { ServiceDatabase, Shard, Sharding } from './topology.schema.js';

/**
 * A sharded service has one shard layout, or two while `neo-db reshard` moves its rows: the
 * `current` one (`sharding.shards`, holding the rows) and the `next` one (`sharding.next`).
 */
export type ShardLayout = 'current' | 'next';

/** The sharding of one layout: `next` keeps the current key and models, with its own strategy and shards. */
export function layoutSharding(sharding: Sharding, layout: ShardLayout): Sharding {
  if (layout === 'current') return sharding;
  const next = sharding.next;
  if (!next) throw new Error('This sharding declares no next layout (sharding.next).');
  const strategy = next.strategy ?? sharding.strategy;
  // The key and models stay; strategy, modulus, shards and single-model placement are the next layout's (no rollover).
  const { modulus: _currentModulus, next: _next, rollover: _rollover, ...common } = sharding;
  return {
    ...common,
    strategy,
    ...(next.modulus !== undefined ? { modulus: next.modulus } : {}),
    singleModels: next.singleModels ?? sharding.singleModels,
    shards: next.shards,
  };
}

/**
 * Every shard database the service has at `now`: the current layout's (with those a rollover
 * adds, see `effectiveShards`), then the next layout's while a reshard runs.
 */
export function allLayoutShards(service: ServiceDatabase, now: Date = new Date()): Shard[] {
  return [...serviceShards(service, now), ...(service.sharding?.next?.shards ?? [])];
}
