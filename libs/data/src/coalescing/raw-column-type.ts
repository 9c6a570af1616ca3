import { Decimal } from '@prisma/client/runtime/client';
import pg from 'pg';
import type { DmmfEnum, DmmfField } from '../prisma-call/dmmf.js';

/** A value the raw route does not write exactly as a plain create would; such a call goes through Prisma instead. */
export const UNFIT = Symbol('unfit');

/** A value in PostgreSQL's text form (what an `unnest` array element takes), or SQL NULL. */
export type ColumnText = string | null;

/**
 * How the raw route writes one field: the SQL type its values are cast to (`uuid`, `"public"."unit"`)
 * and the text form of a caller's value, or `UNFIT`. Only values Prisma itself accepts unchanged
 * are fit; anything else (a date as a string, `Prisma.JsonNull`, a number past Int's range) is
 * left to Prisma, which either takes it or gives the caller its own validation error.
 */
export interface RawColumnType {
  /** The element type, without length or precision: the column applies its own on insert, as for Prisma's parameters. */
  readonly sqlType: string;
  readonly isList: boolean;
  /** An enum, returned as text (its database names) and mapped back to Prisma's names. */
  readonly isEnum: boolean;
  encode(value: unknown): ColumnText | typeof UNFIT;
  /** Turns what `$queryRaw` reads back into what a create returns, where they differ (enum names; a NULL list is `[]`). */
  readonly fromRaw?: (value: unknown) => unknown;
}

/** Native types (`@db.*`) the raw route writes, by Prisma type; a field with any other falls back (see README). */
const NATIVE_SQL_TYPES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  String: { Text: 'text', VarChar: 'varchar', Char: 'bpchar', Uuid: 'uuid' },
  Boolean: { Boolean: 'boolean' },
  Int: { Integer: 'int4', SmallInt: 'int2' },
  BigInt: { BigInt: 'int8' },
  Float: { DoublePrecision: 'float8', Real: 'float4' },
  Decimal: { Decimal: 'numeric' },
  DateTime: { Timestamp: 'timestamp', Timestamptz: 'timestamptz', Date: 'date' },
  Json: { Json: 'json', JsonB: 'jsonb' },
  Bytes: { ByteA: 'bytea' },
};

/** The column type Prisma's migrations give a field without `@db.*`. */
const DEFAULT_SQL_TYPES: Readonly<Record<string, string>> = {
  String: 'text',
  Boolean: 'boolean',
  Int: 'int4',
  BigInt: 'int8',
  Float: 'float8',
  Decimal: 'numeric',
  DateTime: 'timestamp',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/**
 * Prisma types whose lists the raw route writes: what `$queryRaw` reads back from their arrays is
 * what Prisma's create returns (a `Decimal[]` comes back from raw SQL as numbers, so it is not one).
 */
const LIST_TYPES: ReadonlySet<string> = new Set(['String', 'Int', 'BigInt', 'Float', 'Boolean']);

const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;

/**
 * How the raw route writes `field`, or a reason why it does not (then its model's creates go
 * through `createManyAndReturn`). `schema` is the database schema of the client's queries.
 */
export function rawColumnTypeOf(field: DmmfField, enums: readonly DmmfEnum[], schema: string): RawColumnType | string {
  if (field.kind === 'enum') {
    const declared = enums.find((candidate) => candidate.name === field.type);
    if (!declared) return `enum ${field.type} is not in the schema`;
    const byName = new Map(declared.values.map((value) => [value.name, value.dbName ?? value.name]));
    const byDbName = new Map(declared.values.map((value) => [value.dbName ?? value.name, value.name]));
    const mapped = declared.values.some((value) => value.dbName !== null && value.dbName !== value.name);
    return withList(field, {
      sqlType: `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(declared.dbName ?? declared.name)}`,
      isList: false,
      isEnum: true,
      encode: (value) => (typeof value === 'string' ? (byName.get(value) ?? UNFIT) : UNFIT),
      ...(mapped ? { fromRaw: (value: unknown) => (typeof value === 'string' ? (byDbName.get(value) ?? value) : value) } : {}),
    });
  }
  if (field.kind !== 'scalar') return `${field.name} is a ${field.kind} field`;
  const sqlType = field.nativeType ? NATIVE_SQL_TYPES[field.type]?.[field.nativeType[0]] : DEFAULT_SQL_TYPES[field.type];
  const encode = SCALAR_ENCODERS[field.type];
  if (!sqlType || !encode) {
    return `${field.name} is ${field.type}${field.nativeType ? ` @db.${field.nativeType[0]}` : ''}, a type the raw route does not map`;
  }
  return withList(field, { sqlType, isList: false, isEnum: false, encode });
}

function withList(field: DmmfField, element: RawColumnType): RawColumnType | string {
  if (!field.isList) return element;
  if (field.kind !== 'enum' && !LIST_TYPES.has(field.type))
    return `${field.name} is a list of ${field.type}, which the raw route does not map`;
  const fromRawItem = element.fromRaw;
  return {
    ...element,
    isList: true,
    fromRaw: (value) => (value === null ? [] : fromRawItem && Array.isArray(value) ? value.map(fromRawItem) : value),
    encode: (value) => {
      if (!Array.isArray(value)) return UNFIT;
      const items: string[] = [];
      for (const item of value as unknown[]) {
        const text = element.encode(item);
        if (text === UNFIT || text === null) return UNFIT;
        items.push(`"${text.replace(/[\\"]/g, '\\$&')}"`);
      }
      return `{${items.join(',')}}`;
    },
  };
}

/** The text form of a value of each Prisma scalar type, for the values Prisma takes as they are. */
const SCALAR_ENCODERS: Readonly<Record<string, (value: unknown) => ColumnText | typeof UNFIT>> = {
  String: (value) => (typeof value === 'string' ? value : UNFIT),
  Boolean: (value) => (typeof value === 'boolean' ? String(value) : UNFIT),
  Int: (value) => (Number.isInteger(value) && (value as number) >= INT4_MIN && (value as number) <= INT4_MAX ? String(value) : UNFIT),
  BigInt: (value) => (typeof value === 'bigint' || Number.isSafeInteger(value) ? String(value) : UNFIT),
  Float: (value) => (typeof value === 'number' && Number.isFinite(value) ? (Object.is(value, -0) ? '-0' : String(value)) : UNFIT),
  Decimal: (value) => {
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : UNFIT;
    return Decimal.isDecimal(value) && value.isFinite() ? value.toString() : UNFIT;
  },
  DateTime: (value) => (value instanceof Date ? utcDateTimeText(value) : UNFIT),
  Json: (value) => (value !== null && isPlainJson(value) ? JSON.stringify(value) : UNFIT),
  Bytes: (value) =>
    value instanceof Uint8Array ? `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}` : UNFIT,
};

/**
 * `YYYY-MM-DD HH:MM:SS.mmm` in UTC, with no zone: the text Prisma's adapter-pg sends for every
 * DateTime, so a row stores what a plain create would store (on a `timestamptz` column too).
 */
export function utcDateTimeText(date: Date): string | typeof UNFIT {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 1 || year > 9999) return UNFIT;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const ms = date.getUTCMilliseconds();
  return (
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}`
  );
}

/** Strings, finite numbers, booleans, null inside, arrays and plain objects: JSON that `JSON.stringify` writes as Prisma does. */
function isPlainJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) return value.every(isPlainJson);
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      return Object.values(value).every(isPlainJson);
    }
    default:
      return false;
  }
}
