import { positionCursorCodec, type CursorPosition, type InvalidCursorErrorFactory, type PositionCursorCodec } from './position-cursor.js';

/** One page of a listing. */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

/** Everything a newest-first listing ordered by (`dateField`, id) needs to page: the query parts and the cut. */
export interface NewestFirstPages<DateField extends string> extends PositionCursorCodec<DateField> {
  /** The Prisma `orderBy`: newest first, the id breaking ties between rows of the same instant. */
  readonly orderBy: [{ [F in DateField]: 'desc' }, { id: 'desc' }];
  /** The Prisma filter "strictly after this position" in that order; nothing for the first page. */
  after(position: CursorPosition<DateField> | undefined): Record<string, unknown>;
  /** Cuts a read of `limit + 1` rows into a page: the extra row only tells that another page exists. */
  page<T extends CursorPosition<DateField>>(rows: T[], limit: number): Page<T>;
}

/**
 * Paging of a newest-first listing by position, not offset: a page stays valid while rows are
 * added or deleted, and the same cursor pages one database, one shard, or a listing merged from
 * every shard (the merge orders by the same two fields).
 *
 * ```ts
 * const pages = newestFirstPages('createdAt', (options) => new InvalidCursorError(options));
 * const after = query.cursor === undefined ? undefined : pages.decode(query.cursor);
 * const rows = await db.item.findMany({ where: { ownerId, ...pages.after(after) }, orderBy: pages.orderBy, take: query.limit + 1 });
 * return pages.page(rows, query.limit);
 * ```
 */
export function newestFirstPages<DateField extends string>(
  dateField: DateField,
  invalid: InvalidCursorErrorFactory,
): NewestFirstPages<DateField> {
  const codec = positionCursorCodec(dateField, invalid);
  return {
    ...codec,
    orderBy: [{ [dateField]: 'desc' } as { [F in DateField]: 'desc' }, { id: 'desc' }],
    after: (position) =>
      position === undefined
        ? {}
        : { OR: [{ [dateField]: { lt: position[dateField] } }, { [dateField]: position[dateField], id: { lt: position.id } }] },
    page: (rows, limit) => {
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? codec.encode(last) : null };
    },
  };
}
