import type { StringComparator } from './compare-values.js';
import { compareByOrder, type OrderTerm, type Row } from './order-by.js';

/** The merged window as the shards are read: its order, its end, and how many rows deep it reaches (skip + |take|). */
export interface WindowShape {
  order: readonly OrderTerm[];
  /** A negative `take`: shards read (and the window sits at) the end of the order. */
  fromEnd: boolean;
  depth: number;
}

/**
 * Whether a shard's answer to `take: limit` (or `-limit` from the end) already holds every row
 * of that shard the merged window can contain, given the rows fetched from all shards.
 *
 * A shard that returned fewer than `limit` rows has nothing more. One that returned `limit` rows
 * may hold more, which all merge after the last row it returned (in reading order: later in the
 * order, or tied and later in the same shard). None of them can enter the window when that last
 * row already merges at or past the window's last place, that is when at least `depth - 1`
 * fetched rows sort strictly before it.
 */
export function holdsItsWindowRows(
  part: readonly Row[],
  limit: number,
  parts: ReadonlyArray<readonly Row[]>,
  window: WindowShape,
  compareStrings: StringComparator,
): boolean {
  // Reading from the end, the shard stopped at its first row, and "before" means later in the order.
  const stoppedAt = window.fromEnd ? part[0] : part.at(-1);
  if (part.length < limit || stoppedAt === undefined) return true;
  // The window's last place has `depth - 1` rows before it.
  const rowsBeforeLastPlace = window.depth - 1;
  if (rowsBeforeLastPlace <= 0) return true;
  const compare = compareByOrder(window.order, compareStrings);
  const readsBefore = (row: Row) => (window.fromEnd ? compare(row, stoppedAt) > 0 : compare(row, stoppedAt) < 0);
  let before = 0;
  for (const rows of parts) {
    for (const row of rows) {
      if (readsBefore(row) && ++before >= rowsBeforeLastPlace) return true;
    }
  }
  return false;
}
