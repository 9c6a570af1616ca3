import { ShardingConfigError } from './sharding.errors.js';

/**
 * A Vitess-style key range over the 64-bit keyspace: `"40-80"` holds keyspace ids
 * from 0x4000000000000000 (inclusive) to 0x8000000000000000 (exclusive); an empty
 * start means 0 and an empty end means 2^64 (`"-40"`, `"c0-"`, `"-"`). Ranges are
 * written as left-aligned hex prefixes, so a reshard splits `40-80` into `40-60`
 * and `60-80` without moving any row outside them.
 */
export interface KeyRange {
  /** The range as declared, e.g. `40-80`. */
  readonly text: string;
  /** Inclusive lower bound. */
  readonly start: bigint;
  /** Exclusive upper bound (2^64 for an open end). */
  readonly end: bigint;
}

export const KEYSPACE_SIZE = 1n << 64n;
const HEX_DIGITS = 16;

export function parseKeyRange(text: string): KeyRange {
  const match = /^([0-9a-f]*)-([0-9a-f]*)$/.exec(text);
  if (!match || (match[1] ?? '').length > HEX_DIGITS || (match[2] ?? '').length > HEX_DIGITS) {
    throw new ShardingConfigError(
      `Key range "${text}" is not "<hex>-<hex>" with at most 16 hex digits a side (e.g. "-40", "40-80", "c0-").`,
    );
  }
  const start = boundFromHex(match[1] ?? '', 0n);
  const end = boundFromHex(match[2] ?? '', KEYSPACE_SIZE);
  if (start >= end) throw new ShardingConfigError(`Key range "${text}" is empty: its start is not below its end.`);
  return { text, start, end };
}

export function keyRangeContains(range: KeyRange, keyspaceId: bigint): boolean {
  return keyspaceId >= range.start && keyspaceId < range.end;
}

/** Hex of a bound, 16 digits, as SQL compares it (`'4000000000000000'`); undefined for an open end. */
export function boundToHex(bound: bigint): string | undefined {
  return bound >= KEYSPACE_SIZE ? undefined : bound.toString(16).padStart(HEX_DIGITS, '0');
}

/** `n` (about) equal ranges covering the keyspace, named as Vitess does: 4 → `-40`, `40-80`, `80-c0`, `c0-`. */
export function evenKeyRanges(n: number): string[] {
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new ShardingConfigError(`Cannot split the keyspace into ${n} ranges (1 to 256).`);
  const cut = (i: number) =>
    i === 0 || i === n
      ? ''
      : Math.floor((i * 256) / n)
          .toString(16)
          .padStart(2, '0');
  return Array.from({ length: n }, (_, i) => `${cut(i)}-${cut(i + 1)}`);
}

function boundFromHex(hex: string, whenEmpty: bigint): bigint {
  if (hex === '') return whenEmpty;
  return BigInt(`0x${hex.padEnd(HEX_DIGITS, '0')}`);
}

/** Checks that ranges cover the whole keyspace exactly once and returns them sorted by start. */
export function checkKeyRangesCoverKeyspace(
  ranges: ReadonlyArray<{ shard: string; range: KeyRange }>,
): Array<{ shard: string; range: KeyRange }> {
  const sorted = [...ranges].sort((a, b) => (a.range.start < b.range.start ? -1 : a.range.start > b.range.start ? 1 : 0));
  let expected = 0n;
  for (const { shard, range } of sorted) {
    if (range.start !== expected) {
      const what = range.start > expected ? `a gap before "${range.text}"` : `"${range.text}" overlaps the range before it`;
      throw new ShardingConfigError(
        `The hash shards' key ranges must cover the keyspace exactly once: there is ${what} (shard "${shard}").`,
      );
    }
    expected = range.end;
  }
  if (expected !== KEYSPACE_SIZE) {
    throw new ShardingConfigError(
      'The hash shards\' key ranges must cover the keyspace exactly once: the last range must be open-ended (e.g. "c0-").',
    );
  }
  return sorted;
}
