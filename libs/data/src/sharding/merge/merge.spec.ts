import { Decimal } from '@prisma/client/runtime/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateResult, emptyAggregateState, mergeAggregateStates, stateFromRows, stateFromShardResult } from './aggregate-parts.js';
import { readAggregateRequest, shardAggregateArgs } from './aggregate-request.js';
import { compareCodePoints } from './compare-values.js';
import { atOrAfterCursorWhere } from './cursor-filter.js';
import { mergeGroups, normalizeGroupOrderBy } from './group-by-merge.js';
import { groupPassesHaving } from './having.js';
import { mergeRows } from './merge-rows.js';
import { compareByOrder, normalizeOrderBy, type Row } from './order-by.js';
import { matchesScalarFilter } from './scalar-filter.js';

const plan = (overrides: Partial<Parameters<typeof mergeRows>[1]> = {}) => ({
  order: [],
  distinct: [],
  skip: 0,
  take: undefined,
  fromEnd: false,
  strip: [],
  ...overrides,
});

/** Splits rows over `n` "shards" at random, each shard sorted by the order (as a database would return them). */
const splitSorted = (rows: Row[], assignment: number[], n: number, compare: (a: Row, b: Row) => number) =>
  Array.from({ length: n }, (_, shard) => rows.filter((_, i) => assignment[i] === shard).sort(compare));

describe('mergeRows', () => {
  const order = normalizeOrderBy([{ score: 'desc' }, { name: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }], 'M');
  const compare = compareByOrder(order, compareCodePoints);
  const rowArbitrary = fc
    .array(
      fc.record({
        score: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
        name: fc.option(fc.constantFrom('a', 'B', 'é'), { nil: null }),
      }),
      { maxLength: 30 },
    )
    .map((rows) => rows.map((row, id) => ({ id, ...row })));

  it('equals sorting all rows in one place, then taking the window (any split, any skip/take)', () => {
    fc.assert(
      fc.property(
        rowArbitrary,
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 30, maxLength: 30 }),
        fc.nat(6),
        fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
        (rows, assignment, skip, take) => {
          const expected = [...rows].sort(compare).slice(skip, take === undefined ? undefined : skip + take);
          // Each shard only returns its first skip + take rows, as the router asks.
          const parts = splitSorted(rows, assignment, 4, compare).map((part) =>
            part.slice(0, take === undefined ? undefined : skip + take),
          );
          expect(mergeRows(parts, plan({ order, skip, take }), compareCodePoints)).toEqual(expected);
        },
      ),
    );
  });

  it('counts a negative take from the end', () => {
    const rows = [1, 2, 3, 4, 5].map((id) => ({ id }));
    const idOrder = normalizeOrderBy({ id: 'asc' }, 'M');
    expect(
      mergeRows([rows.slice(0, 2), rows.slice(2)], plan({ order: idOrder, take: 2, skip: 1, fromEnd: true }), compareCodePoints),
    ).toEqual([{ id: 3 }, { id: 4 }]);
  });

  it('keeps the first row of each distinct combination, then windows, and strips helper fields', () => {
    const idOrder = normalizeOrderBy({ id: 'asc' }, 'M');
    const parts = [
      [
        { id: 1, kind: 'a' },
        { id: 4, kind: 'b' },
      ],
      [
        { id: 2, kind: 'a' },
        { id: 3, kind: 'c' },
      ],
    ];
    expect(mergeRows(parts, plan({ order: idOrder, distinct: ['kind'], skip: 1, strip: ['id'] }), compareCodePoints)).toEqual([
      { kind: 'c' },
      { kind: 'b' },
    ]);
  });

  it('orders strings by code point, like the C collation', () => {
    expect(['b', 'B', 'é', 'a', '\u{1F600}', '\uFFFD'].sort(compareCodePoints)).toEqual(['B', 'a', 'b', 'é', '\uFFFD', '\u{1F600}']);
  });
});

describe('cursor boundary', () => {
  it('matches the rows at or after the cursor row in the order, nulls placed as asked', () => {
    const order = normalizeOrderBy([{ a: 'asc' }, { id: 'asc' }], 'M');
    expect(atOrAfterCursorWhere(order, { a: 5, id: 9 })).toEqual({
      OR: [
        { AND: [{ OR: [{ a: { gt: 5 } }, { a: null }] }] },
        { AND: [{ a: 5 }, { OR: [{ id: { gt: 9 } }, { id: null }] }] },
        { AND: [{ a: 5 }, { id: 9 }] },
      ],
    });
    expect(atOrAfterCursorWhere(order, { a: 5, id: 9 }, () => false).OR).toContainEqual({ AND: [{ a: { gt: 5 } }] });
    const nullsFirst = normalizeOrderBy([{ a: { sort: 'desc', nulls: 'first' } }], 'M');
    expect(atOrAfterCursorWhere(nullsFirst, { a: null })).toEqual({ OR: [{ AND: [{ a: { not: null } }] }, { AND: [{ a: null }] }] });
  });
});

describe('aggregates from parts', () => {
  const rows: Row[] = [
    { amount: 1, fee: new Decimal('1.10'), note: 'b' },
    { amount: 2, fee: null, note: null },
    { amount: 6, fee: new Decimal('2.20'), note: 'a' },
  ];
  const request = readAggregateRequest({
    _count: { _all: true, fee: true },
    _sum: { amount: true, fee: true },
    _avg: { amount: true, fee: true },
    _min: { note: true },
    _max: { amount: true },
  });

  it('merges per-shard sums and counts into the same answer as all rows together', () => {
    const whole = aggregateResult(stateFromRows(rows, request, compareCodePoints), request);
    const parts = [rows.slice(0, 1), rows.slice(1)].map((part) => stateFromRows(part, request, compareCodePoints));
    const merged = aggregateResult(
      parts.reduce((a, b) => mergeAggregateStates(a, b, compareCodePoints), emptyAggregateState()),
      request,
    );
    expect(merged).toEqual(whole);
    expect(whole._count).toEqual({ _all: 3, fee: 2 });
    expect(whole._avg).toEqual({ amount: 3, fee: new Decimal('1.65') });
    expect(String((whole._sum as Row).fee)).toBe('3.3');
    expect(whole._min).toEqual({ note: 'a' });
  });

  it('asks each shard for SUM and COUNT instead of AVG, and counts as an object', () => {
    expect(shardAggregateArgs(readAggregateRequest({ _count: true, _avg: { amount: true } }))).toEqual({
      _count: { _all: true, amount: true },
      _sum: { amount: true },
    });
    const state = stateFromShardResult({ _count: { _all: 4, amount: 2 }, _sum: { amount: 10 } });
    expect(aggregateResult(state, readAggregateRequest({ _count: true, _avg: { amount: true } }))).toEqual({
      _count: 4,
      _avg: { amount: 5 },
    });
  });

  it('gives null sums, averages and extremes over no rows, as SQL does', () => {
    expect(aggregateResult(emptyAggregateState(), request)).toEqual({
      _count: { _all: 0, fee: 0 },
      _sum: { amount: null, fee: null },
      _avg: { amount: null, fee: null },
      _min: { note: null },
      _max: { amount: null },
    });
  });
});

describe('groupBy merge', () => {
  it('adds up groups from several shards, re-applies having, then orders and windows', () => {
    const shardA = [
      { status: 'a', _count: { _all: 2, amount: 2 }, _sum: { amount: 10 } },
      { status: 'b', _count: { _all: 1, amount: 1 }, _sum: { amount: 1 } },
    ];
    const shardB = [
      { status: 'a', _count: { _all: 1, amount: 1 }, _sum: { amount: 5 } },
      { status: null, _count: { _all: 3, amount: 3 }, _sum: { amount: 30 } },
    ];
    const request = readAggregateRequest({ _count: true, _avg: { amount: true } });
    const groups = mergeGroups(
      [shardA, shardB],
      {
        by: ['status'],
        request,
        having: { amount: { _avg: { gte: 2 } } },
        order: normalizeGroupOrderBy([{ _avg: { amount: 'desc' } }], 'M'),
        skip: 0,
        take: undefined,
      },
      compareCodePoints,
    );
    expect(groups).toEqual([
      { status: null, _count: 3, _avg: { amount: 10 } },
      { status: 'a', _count: 3, _avg: { amount: 5 } },
    ]);
  });

  it('evaluates having with AND/OR/NOT and plain filters on the group value', () => {
    const group = { values: { status: 'a' }, state: stateFromShardResult({ _count: { _all: 3 }, _sum: { amount: 7 } }) };
    expect(groupPassesHaving(group, { status: 'a', amount: { _sum: { gt: 6 } } }, compareCodePoints)).toBe(true);
    expect(groupPassesHaving(group, { OR: [{ status: 'b' }, { amount: { _sum: { lt: 7 } } }] }, compareCodePoints)).toBe(false);
    expect(groupPassesHaving(group, { NOT: { status: { in: ['b'] } } }, compareCodePoints)).toBe(true);
  });
});

describe('scalar filters in memory', () => {
  it('follow SQL null rules', () => {
    expect(matchesScalarFilter(null, { gt: 1 }, compareCodePoints)).toBe(false);
    expect(matchesScalarFilter(null, { not: 1 }, compareCodePoints)).toBe(false);
    expect(matchesScalarFilter(null, null, compareCodePoints)).toBe(true);
    expect(matchesScalarFilter(2, { not: null }, compareCodePoints)).toBe(true);
    expect(matchesScalarFilter(2, { gte: 2, lt: 3, notIn: [5] }, compareCodePoints)).toBe(true);
    expect(matchesScalarFilter(new Decimal('1.5'), { gt: 1 }, compareCodePoints)).toBe(true);
    expect(matchesScalarFilter('Hello', { startsWith: 'he', mode: 'insensitive' }, compareCodePoints)).toBe(true);
  });
});
