import fc from 'fast-check';

/**
 * Random rows of the fixture's `transactions` table and random Prisma query shapes over
 * them, for property tests that compare a sharded client with one database.
 */

export interface TransactionRow {
  id: string;
  userId: number;
  contractId: number | null;
  status: string;
  amount: number;
  fee: string | null;
  note: string | null;
  createdAt: Date;
}

const ID_PREFIX = '00000000-0000-7000-8000-';

export const transactionRowsArbitrary = (maxRows: number): fc.Arbitrary<TransactionRow[]> =>
  fc
    .array(
      fc.record({
        userId: fc.integer({ min: 0, max: 40 }),
        contractId: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
        status: fc.constantFrom('new', 'paid', 'Paid', 'void'),
        amount: fc.integer({ min: -20, max: 100 }),
        fee: fc.option(
          fc.integer({ min: 0, max: 999 }).map((cents) => (cents / 100).toFixed(2)),
          { nil: null },
        ),
        note: fc.option(fc.constantFrom('a', 'b', 'ä', 'Z'), { nil: null }),
        createdAt: fc.integer({ min: 0, max: 50 }).map((minute) => new Date(Date.UTC(2025, 0, 1, 0, minute))),
      }),
      { maxLength: maxRows },
    )
    .map((rows) => rows.map((row, i) => ({ id: `${ID_PREFIX}${i.toString().padStart(12, '0')}`, ...row })));

export const rowIdArbitrary = (maxRows: number) =>
  fc.integer({ min: 0, max: Math.max(0, maxRows - 1) }).map((i) => `${ID_PREFIX}${i.toString().padStart(12, '0')}`);

const scalarFilter = fc.oneof(
  fc.record({ userId: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ userId: fc.record({ in: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 4 }) }) }),
  fc.record({ amount: fc.record({ gt: fc.integer({ min: -20, max: 100 }) }) }),
  fc.record({ amount: fc.record({ lte: fc.integer({ min: -20, max: 100 }) }) }),
  fc.record({ status: fc.constantFrom('new', 'paid', 'void') }),
  fc.record({ note: fc.constant(null) }),
  fc.record({ contractId: fc.record({ not: fc.constant(null) }) }),
);

export const whereArbitrary: fc.Arbitrary<Record<string, unknown> | undefined> = fc.option(
  fc.oneof(
    scalarFilter,
    fc.record({ AND: fc.array(scalarFilter, { minLength: 1, maxLength: 2 }) }),
    fc.record({ OR: fc.array(scalarFilter, { minLength: 1, maxLength: 2 }) }),
  ),
  { nil: undefined },
);

const ORDER_FIELDS = ['userId', 'amount', 'status', 'note', 'createdAt', 'fee', 'contractId'] as const;
const NULLABLE = new Set(['note', 'fee', 'contractId']);

/** A total order: random leading fields, then the unique id, so every database agrees on ties. */
export const totalOrderArbitrary = fc
  .array(
    fc.record({
      field: fc.constantFrom(...ORDER_FIELDS),
      sort: fc.constantFrom('asc', 'desc'),
      nulls: fc.constantFrom(undefined, 'first', 'last'),
    }),
    { maxLength: 2 },
  )
  .map((terms) => {
    const seen = new Set<string>();
    const orderBy: Array<Record<string, unknown>> = [];
    for (const term of terms) {
      if (seen.has(term.field)) continue;
      seen.add(term.field);
      orderBy.push({ [term.field]: NULLABLE.has(term.field) && term.nulls ? { sort: term.sort, nulls: term.nulls } : term.sort });
    }
    return [...orderBy, { id: 'asc' }];
  });

export const selectArbitrary = fc.option(
  fc
    .subarray(['userId', 'amount', 'status', 'note', 'fee', 'createdAt'], { minLength: 1 })
    .map((fields) => Object.fromEntries(fields.map((field) => [field, true]))),
  { nil: undefined },
);

export const findManyArbitrary = (maxRows: number) =>
  fc.record(
    {
      where: whereArbitrary,
      orderBy: totalOrderArbitrary,
      take: fc.option(
        fc.integer({ min: -8, max: 8 }).filter((take) => take !== 0),
        { nil: undefined },
      ),
      skip: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      cursor: fc.option(
        rowIdArbitrary(maxRows).map((id) => ({ id })),
        { nil: undefined },
      ),
      select: selectArbitrary,
      distinct: fc.option(fc.constantFrom(['status'], ['note'], ['status', 'contractId']), { nil: undefined }),
    },
    { requiredKeys: ['orderBy'] },
  );

const AGGREGATABLE = ['amount', 'fee'] as const;
const COMPARABLE = ['amount', 'fee', 'note', 'createdAt', 'status'] as const;
const selection = <T extends string>(fields: readonly T[]) =>
  fc.option(
    fc.subarray([...fields], { minLength: 1 }).map((chosen) => Object.fromEntries(chosen.map((field) => [field, true as const]))),
    { nil: undefined },
  );

export const aggregateArbitrary = fc.record(
  {
    where: whereArbitrary,
    _count: fc.option(
      fc.oneof(fc.constant(true as const), fc.constant({ _all: true as const, note: true as const }), fc.constant({ fee: true as const })),
      { nil: undefined },
    ),
    _sum: selection(AGGREGATABLE),
    _avg: selection(AGGREGATABLE),
    _min: selection(COMPARABLE),
    _max: selection(COMPARABLE),
    // No cursor: one database refuses an aggregate with a cursor, so there is nothing to compare with.
    window: fc.option(
      fc.record({ orderBy: totalOrderArbitrary, take: fc.integer({ min: 1, max: 10 }), skip: fc.integer({ min: 0, max: 4 }) }),
      { nil: undefined },
    ),
  },
  { requiredKeys: [] },
);

export const groupByArbitrary = fc.record(
  {
    by: fc.constantFrom(['status'], ['note'], ['contractId'], ['status', 'note'], ['userId']),
    where: whereArbitrary,
    _count: fc.option(fc.oneof(fc.constant(true as const), fc.constant({ _all: true as const, fee: true as const })), { nil: undefined }),
    _sum: selection(AGGREGATABLE),
    _avg: selection(AGGREGATABLE),
    _min: selection(COMPARABLE),
    _max: selection(COMPARABLE),
    having: fc.option(
      fc.oneof(
        fc.record({ amount: fc.record({ _sum: fc.record({ gt: fc.integer({ min: -20, max: 200 }) }) }) }),
        fc.record({ amount: fc.record({ _avg: fc.record({ lte: fc.integer({ min: -20, max: 100 }) }) }) }),
        fc.record({ id: fc.record({ _count: fc.record({ gte: fc.integer({ min: 1, max: 4 }) }) }) }),
        fc.record({ fee: fc.record({ _max: fc.record({ gt: fc.integer({ min: 0, max: 9 }) }) }) }),
      ),
      { nil: undefined },
    ),
    window: fc.option(fc.record({ take: fc.integer({ min: 1, max: 5 }), skip: fc.integer({ min: 0, max: 3 }) }), { nil: undefined }),
    /** Order groups by an aggregate first (ties broken by the `by` fields). */
    orderByAggregate: fc.option(
      fc.constantFrom({ _sum: { amount: 'desc' } }, { _count: { id: 'asc' } }, { _avg: { amount: 'asc' } }, { _max: { note: 'asc' } }),
      { nil: undefined },
    ),
  },
  { requiredKeys: ['by'] },
);
