import { Prisma } from '../generated/replica-fixture/client.js';
import type { Dmmf, DmmfField, DmmfModel } from '../prisma-call/dmmf.js';
import { describe, expect, it } from 'vitest';
import { rawColumnTypeOf, UNFIT } from './raw-column-type.js';
import { NOW, RawInsertTable } from './raw-insert-table.js';
import { unnestInsertSql } from './unnest-insert-sql.js';

const field = (name: string, type: string, more: Partial<DmmfField> = {}): DmmfField => ({
  name,
  kind: 'scalar',
  type,
  isList: false,
  isRequired: true,
  isUpdatedAt: false,
  ...more,
});

const enums: Dmmf['enums'] = [
  {
    name: 'Unit',
    dbName: 'unit',
    values: [
      { name: 'CELSIUS', dbName: null },
      { name: 'KELVIN', dbName: 'kelvin' },
    ],
  },
];

const model: DmmfModel = {
  name: 'Reading',
  dbName: 'readings',
  fields: [
    field('id', 'String', { default: { name: 'uuid', args: [4] }, nativeType: ['Uuid', []] }),
    field('seq', 'BigInt', { default: { name: 'autoincrement', args: [] } }),
    field('label', 'String'),
    field('note', 'String', { isRequired: false }),
    field('count', 'Int', { default: 1 }),
    field('unit', 'Unit', { kind: 'enum', default: 'KELVIN' }),
    field('tags', 'String', { isList: true }),
    field('payload', 'Json', { isRequired: false }),
    field('createdAt', 'DateTime', { dbName: 'created_at', default: { name: 'now', args: [] } }),
    field('updatedAt', 'DateTime', { dbName: 'updated_at', isUpdatedAt: true }),
    field('item', 'Item', { kind: 'object' }),
  ],
};

const table = RawInsertTable.of(model, { models: [model], enums }, 'svc') as RawInsertTable;

describe('RawInsertTable', () => {
  it('fills what a call leaves out as Prisma does, and leaves server defaults out of the row', () => {
    const row = table.prepare({ label: 'a' })!;
    expect(row.shape).toBe('-');
    const [id, ...rest] = row.texts;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
    // label, note (NULL), count (literal), unit (literal, as stored), tags (NULL), payload (NULL), createdAt, updatedAt.
    expect(rest).toEqual(['a', null, '1', 'kelvin', null, null, NOW, NOW]);
    expect(table.columnsOf(row.shape).map((column) => column.column)).toEqual([
      'id',
      'label',
      'note',
      'count',
      'unit',
      'tags',
      'payload',
      'created_at',
      'updated_at',
    ]);
  });

  it('puts a row that gives a server-filled column in a shape of its own, with that column', () => {
    const row = table.prepare({ label: 'a', seq: 7n })!;
    expect(row.shape).toBe('+');
    expect(table.columnsOf(row.shape).map((column) => column.field)).toContain('seq');
    expect(row.texts[1]).toBe('7');
  });

  it('leaves to Prisma a call it does not write exactly as Prisma would', () => {
    expect(table.prepare({})).toBeUndefined(); // a required field left out
    expect(table.prepare({ label: 'a', nope: 1 })).toBeUndefined(); // a field the model does not have
    expect(table.prepare({ label: 1 })).toBeUndefined();
    expect(table.prepare({ label: null })).toBeUndefined();
    expect(table.prepare({ label: 'a', payload: null })).toBeUndefined(); // Json takes Prisma.DbNull / JsonNull
    expect(table.prepare({ label: 'a', tags: null })).toBeUndefined();
    expect(table.prepare({ label: 'a', unit: 'FAHRENHEIT' })).toBeUndefined();
    expect(table.prepare({ label: 'a', createdAt: '2024-01-01T00:00:00Z' })).toBeUndefined();
    expect(table.prepare({ label: 'a', count: 2 ** 31 })).toBeUndefined();
    expect(table.prepare({ label: 'a', note: null })?.texts[2]).toBeNull();
  });

  it('refuses a model with a type or a default it does not map, saying which field', () => {
    const withTime = { ...model, fields: [...model.fields, field('opensAt', 'DateTime', { nativeType: ['Time', ['3']] })] };
    expect(RawInsertTable.of(withTime, { models: [withTime], enums }, 'public')).toMatch(/opensAt is DateTime @db\.Time/);
    const withCuid = { ...model, fields: [field('id', 'String', { default: { name: 'cuid', args: [1] } })] };
    expect(RawInsertTable.of(withCuid, { models: [withCuid], enums }, 'public')).toMatch(/@default\(cuid\(1\)\)/);
    const decimals = { ...model, fields: [field('amounts', 'Decimal', { isList: true })] };
    expect(RawInsertTable.of(decimals, { models: [decimals], enums }, 'public')).toMatch(/list of Decimal/);
  });
});

describe('rawColumnTypeOf', () => {
  const encode = (type: string, value: unknown, more: Partial<DmmfField> = {}) => {
    const column = rawColumnTypeOf(field('f', type, more), enums, 'public');
    if (typeof column === 'string') throw new Error(column);
    return column.encode(value);
  };

  it('writes each value in the text form PostgreSQL reads back as the same value', () => {
    expect(encode('DateTime', new Date('2024-02-29T23:59:59.999Z'))).toBe('2024-02-29 23:59:59.999');
    expect(encode('DateTime', new Date('2024-02-29T00:00:00Z'))).toBe('2024-02-29 00:00:00');
    expect(encode('BigInt', 9_007_199_254_740_993n)).toBe('9007199254740993');
    expect(encode('Decimal', new Prisma.Decimal('0.000000000000000000000000000001'))).toBe('1e-30');
    expect(encode('Float', -0)).toBe('-0');
    expect(encode('Bytes', new Uint8Array([0, 15, 255]))).toBe('\\x000fff');
    expect(encode('Json', { a: [1, 'two', null] })).toBe('{"a":[1,"two",null]}');
    expect(encode('Boolean', false)).toBe('false');
    expect(encode('String', ['a', 'b "c"', 'back\\slash', 'NULL', ''], { isList: true })).toBe(
      '{"a","b \\"c\\"","back\\\\slash","NULL",""}',
    );
  });

  it('refuses values Prisma would take differently or not at all', () => {
    expect(encode('Float', Number.NaN)).toBe(UNFIT);
    expect(encode('Int', 1.5)).toBe(UNFIT);
    expect(encode('DateTime', new Date(Number.NaN))).toBe(UNFIT);
    expect(encode('Json', { at: new Date() })).toBe(UNFIT);
    expect(encode('Json', { gone: undefined })).toBe(UNFIT);
    expect(encode('Decimal', '1.50')).toBe(UNFIT);
    expect(encode('String', ['a', null], { isList: true })).toBe(UNFIT);
  });

  it('reads an enum back by Prisma name, and a NULL list as []', () => {
    const unit = rawColumnTypeOf(field('unit', 'Unit', { kind: 'enum' }), enums, 'svc');
    const units = rawColumnTypeOf(field('units', 'Unit', { kind: 'enum', isList: true }), enums, 'svc');
    if (typeof unit === 'string' || typeof units === 'string') throw new Error('unmapped');
    expect(unit.sqlType).toBe('"svc"."unit"');
    expect(unit.fromRaw?.('kelvin')).toBe('KELVIN');
    expect(units.fromRaw?.(['kelvin', 'CELSIUS'])).toEqual(['KELVIN', 'CELSIUS']);
    expect(units.fromRaw?.(null)).toEqual([]);
  });
});

describe('unnestInsertSql', () => {
  it('has one array parameter per column, whatever the batch size, and returns fields by name', () => {
    const written = table.columnsOf('-').filter((column) => ['id', 'tags', 'unit'].includes(column.field));
    const returned = table.columnsOf('-').filter((column) => ['createdAt', 'unit'].includes(column.field));
    expect(unnestInsertSql(table.qualifiedName, written, returned)).toBe(
      'INSERT INTO "svc"."readings" ("id", "unit", "tags") SELECT c0, c1, c2::text[] FROM unnest($1::uuid[], $2::"svc"."unit"[], $3::text[]) AS r(c0, c1, c2) ' +
        'RETURNING "unit"::text AS "unit", "created_at" AS "createdAt"',
    );
  });
});
