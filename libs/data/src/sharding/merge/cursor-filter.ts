import type { OrderTerm, Row } from './order-by.js';

/**
 * A Prisma `where` matching the rows at or after `cursorRow` in the given order — the
 * same rows one database returns for `cursor` (rows tied with the cursor row on every
 * order field are included, as Prisma does). Shards other than the cursor row's own
 * cannot take Prisma's `cursor` (they do not hold that row), so every shard gets this
 * filter instead.
 */
export function atOrAfterCursorWhere(
  terms: readonly OrderTerm[],
  cursorRow: Row,
  nullable: (field: string) => boolean = () => true,
): Record<string, unknown> {
  const branches: Array<Record<string, unknown>> = [];
  const equalSoFar: Array<Record<string, unknown>> = [];
  for (const term of terms) {
    const after = strictlyAfter(term, cursorRow[term.field] ?? null, nullable(term.field));
    if (after) branches.push({ AND: [...equalSoFar, after] });
    equalSoFar.push({ [term.field]: cursorRow[term.field] ?? null });
  }
  branches.push({ AND: equalSoFar });
  return { OR: branches };
}

function strictlyAfter(term: OrderTerm, value: unknown, nullable: boolean): Record<string, unknown> | undefined {
  if (value === null) {
    // Nulls sort as one block: after a null cursor value come the non-nulls only when nulls go first.
    return term.nulls === 'first' ? { [term.field]: { not: null } } : undefined;
  }
  const beyond = { [term.field]: term.direction === 'asc' ? { gt: value } : { lt: value } };
  // A null filter on a required field is refused by Prisma, and there are no nulls to include anyway.
  return term.nulls === 'last' && nullable ? { OR: [beyond, { [term.field]: null }] } : beyond;
}
