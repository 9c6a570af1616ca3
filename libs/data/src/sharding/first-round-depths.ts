/**
 * How many rows each shard is asked for first by a merged `findMany` window `depth` rows deep
 * (skip + |take|).
 *
 * Any shard may hold the whole window, so `depth` rows from each is always enough; but reading,
 * sending and mapping shards × depth rows to keep `depth` of them is most of a merged read's cost.
 * When rows are spread over the shards, each holds about depth / shards of the window, so a shard
 * is first asked for that share plus three standard deviations (`share`); a shard that turns out to
 * hold more is asked again for the full depth (see `holdsItsWindowRows`).
 *
 * Some orders put the window on a few shards every time (newest first over date-ranged shards), so
 * those shards would need the second round trip on every call. The shards that needed the full
 * depth are remembered per model and order, and asked for it at once on the next such call.
 */
export class FirstRoundDepths {
  /** Model and order → the shards that needed the full depth on the last such call. */
  private readonly fullDepthShards = new Map<string, ReadonlySet<string>>();

  constructor(private readonly maxRemembered = 1000) {}

  /** An even share of the window plus three standard deviations (a shard's count is about Poisson), never above `depth`. */
  static share(depth: number, shardCount: number): number {
    const even = depth / shardCount;
    return Math.min(depth, Math.ceil(even + 3 * Math.sqrt(even)));
  }

  /** The first `take` of each shard (by name) for a window `depth` rows deep of calls of this kind (`key`). */
  limits(key: string, shards: readonly string[], depth: number): Map<string, number> {
    const share = FirstRoundDepths.share(depth, shards.length);
    const remembered = this.fullDepthShards.get(key);
    return new Map(shards.map((shard) => [shard, remembered?.has(shard) ? depth : share]));
  }

  /** Records which shards needed the full depth on a call of this kind. */
  remember(key: string, shards: ReadonlySet<string>): void {
    this.fullDepthShards.delete(key);
    if (shards.size === 0) return;
    // Keys are model and order shapes, few in any application; the cap only guards against unbounded growth.
    const oldest = this.fullDepthShards.keys().next();
    if (this.fullDepthShards.size >= this.maxRemembered && !oldest.done) this.fullDepthShards.delete(oldest.value);
    this.fullDepthShards.set(key, shards);
  }
}
