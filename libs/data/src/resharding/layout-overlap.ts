import type { Shard, Sharding } from '@neo/topology';
import { parseKeyRange } from '../sharding/key-range.js';

/**
 * Whether a shard of one layout and a shard of the other may hold the same keys, so that rows
 * must flow between them. Only pairs that may share keys get a replication link: a 4 → 8 modulo
 * split needs 8 links (each old shard feeds two new ones), not 32. Undecidable pairs (different
 * strategies) count as sharing; their row filter still sends only the right rows.
 */
export function shardsMayShareKeys(from: Sharding, fromShard: Shard, to: Sharding, toShard: Shard): boolean {
  if (from.strategy !== to.strategy) return true;
  if (from.strategy === 'modulo') {
    const fromModulus = from.modulus ?? from.shards.length;
    const toModulus = to.modulus ?? to.shards.length;
    const fromRemainder = fromShard.remainder ?? from.shards.indexOf(fromShard);
    const toRemainder = toShard.remainder ?? to.shards.indexOf(toShard);
    // k ≡ a (mod m) and k ≡ b (mod n) have a common solution exactly when a ≡ b (mod gcd(m, n)).
    return (fromRemainder - toRemainder) % gcd(fromModulus, toModulus) === 0;
  }
  if (from.strategy === 'hash') {
    const a = parseKeyRange(fromShard.keyRange ?? '-');
    const b = parseKeyRange(toShard.keyRange ?? '-');
    return a.start < b.end && b.start < a.end;
  }
  const a = rangeOf(fromShard);
  const b = rangeOf(toShard);
  return a.from < b.to && b.from < a.to;
}

function rangeOf(shard: Shard): { from: number; to: number } {
  const value = (bound: string | number) => (typeof bound === 'number' ? bound : Date.parse(bound));
  const range = shard.range;
  if (!range) return { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY };
  return { from: value(range.from), to: range.to === undefined ? Number.POSITIVE_INFINITY : value(range.to) };
}

function gcd(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : gcd(b, a % b);
}
