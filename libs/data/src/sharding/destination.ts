/**
 * Where a call goes (Vitess's Destination): every shard, or a listed set of shards
 * (one, several or none — none when the filter cannot match any shard's keys).
 */
export type Destination = { readonly kind: 'all' } | { readonly kind: 'shards'; readonly shards: readonly string[] };

export const ALL_SHARDS: Destination = { kind: 'all' };

export function toShards(shards: Iterable<string>): Destination {
  return { kind: 'shards', shards: [...new Set(shards)] };
}

/** Both constraints hold (AND): the shards in both. */
export function intersectDestinations(a: Destination, b: Destination): Destination {
  if (a.kind === 'all') return b;
  if (b.kind === 'all') return a;
  const inB = new Set(b.shards);
  return toShards(a.shards.filter((shard) => inB.has(shard)));
}

/** Either constraint holds (OR): the shards in either. */
export function unionDestinations(a: Destination, b: Destination): Destination {
  if (a.kind === 'all' || b.kind === 'all') return ALL_SHARDS;
  return toShards([...a.shards, ...b.shards]);
}

/** The destination's shards, in topology order. */
export function resolveDestination(destination: Destination, allShards: readonly string[]): string[] {
  if (destination.kind === 'all') return [...allShards];
  const wanted = new Set(destination.shards);
  return allShards.filter((shard) => wanted.has(shard));
}
