import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Dmmf, DmmfField, DmmfModel } from '../prisma-call/dmmf.js';
import { uuidv7 } from '../sharding/ids/uuidv7.js';
import { rawColumnTypeOf, UNFIT, type ColumnText, type RawColumnType } from './raw-column-type.js';

/**
 * Where a column's value comes from when a call leaves the field out, as in Prisma's own create:
 * - `generated`: Prisma makes it in the client (`uuid()`, `uuid(7)`), one per row;
 * - `now`: Prisma's `now()` and `@updatedAt`, one instant per statement (so `createdAt` equals
 *   `updatedAt` in a row, as a plain create gives);
 * - `literal`: a literal `@default(…)`, which Prisma also sends itself;
 * - `server`: `autoincrement()`, `dbgenerated(…)`: the column is left out and the server fills it;
 * - `null`: an optional field or a list without a default is NULL (Prisma's createMany writes it
 *   so too; a NULL list reads back as `[]`);
 * - `required`: the call must give it (else Prisma's own validation error is due: it goes through Prisma).
 */
export type ColumnFill =
  | { readonly kind: 'generated'; readonly next: () => string }
  | { readonly kind: 'now' }
  | { readonly kind: 'literal'; readonly text: ColumnText }
  | { readonly kind: 'server' }
  | { readonly kind: 'null' }
  | { readonly kind: 'required' };

export interface RawInsertColumn {
  /** Prisma's field name. */
  readonly field: string;
  /** The column's name in the database (`@map`). */
  readonly column: string;
  readonly type: RawColumnType;
  readonly fill: ColumnFill;
  /** A caller may give NULL (an optional scalar; a Json field takes `Prisma.DbNull` instead, which goes through Prisma). */
  readonly nullable: boolean;
}

/** Stands for the statement's `now()` in a prepared row, until the batch is sent. */
export const NOW = Symbol('now');

/**
 * One call's row, ready for the raw INSERT: the text of each column the statement lists, in the
 * table's column order, and the row's `shape`, which says which server-filled columns it gives
 * (one `unnest` statement lists the same columns for every row, so rows of different shapes go in
 * different batches).
 */
export interface PreparedRow {
  readonly shape: string;
  readonly texts: ReadonlyArray<ColumnText | typeof NOW>;
}

/**
 * A model's table as the raw route writes it: its qualified name and a column per scalar field,
 * each with its SQL type and where its value comes from. Built from the client's DMMF.
 */
export class RawInsertTable {
  private readonly byField: ReadonlyMap<string, RawInsertColumn>;

  private constructor(
    /** `"schema"."table"`. */
    readonly qualifiedName: string,
    readonly columns: readonly RawInsertColumn[],
    /** Explicit `undefined` in `data` is an error for this client (preview feature `strictUndefinedChecks`), not "left out". */
    private readonly undefinedIsError: boolean,
  ) {
    this.byField = new Map(columns.map((column) => [column.field, column]));
  }

  /** The table of `model`, or why the raw route cannot write it (then its creates coalesce through `createManyAndReturn`). */
  static of(model: DmmfModel, dmmf: Dmmf, schema: string, options: { undefinedIsError?: boolean } = {}): RawInsertTable | string {
    const columns: RawInsertColumn[] = [];
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      const type = rawColumnTypeOf(field, dmmf.enums, model.schema ?? schema);
      if (typeof type === 'string') return type;
      const fill = fillOf(field, type);
      if (typeof fill === 'string') return fill;
      const nullable = !field.isRequired && !field.isList && field.type !== 'Json';
      columns.push({ field: field.name, column: field.dbName ?? field.name, type, fill, nullable });
    }
    const name = `${pg.escapeIdentifier(model.schema ?? schema)}.${pg.escapeIdentifier(model.dbName ?? model.name)}`;
    return new RawInsertTable(name, columns, options.undefinedIsError ?? false);
  }

  column(field: string): RawInsertColumn | undefined {
    return this.byField.get(field);
  }

  /**
   * The row of `data`, or undefined when a value is one the raw route does not write as Prisma
   * would (a field it does not know, a value of another type, a required field left out): that
   * call goes through Prisma, which takes it or gives its own error.
   */
  prepare(data: Readonly<Record<string, unknown>>): PreparedRow | undefined {
    for (const field in data) {
      if (!this.byField.has(field) || (data[field] === undefined && this.undefinedIsError)) return undefined;
    }
    const texts: Array<ColumnText | typeof NOW> = [];
    let shape = '';
    for (const column of this.columns) {
      const value = data[column.field];
      const { fill } = column;
      if (fill.kind === 'server') shape += value === undefined ? '-' : '+';
      if (value === undefined) {
        switch (fill.kind) {
          case 'server':
            continue;
          case 'generated':
            texts.push(fill.next());
            continue;
          case 'now':
            texts.push(NOW);
            continue;
          case 'literal':
            texts.push(fill.text);
            continue;
          case 'null':
            texts.push(null);
            continue;
          case 'required':
            return undefined;
        }
      }
      const text = value === null ? (column.nullable ? null : UNFIT) : column.type.encode(value);
      if (text === UNFIT) return undefined;
      texts.push(text);
    }
    return { shape, texts };
  }

  /** The columns a row of `shape` gives, in the order of its texts. */
  columnsOf(shape: string): RawInsertColumn[] {
    let server = 0;
    return this.columns.filter((column) => column.fill.kind !== 'server' || shape[server++] === '+');
  }
}

/** Where `field`'s value comes from when left out, or why the raw route cannot fill it as Prisma does. */
function fillOf(field: DmmfField, type: RawColumnType): ColumnFill | string {
  const fallback: ColumnFill = field.isRequired && !field.isList ? { kind: 'required' } : { kind: 'null' };
  if (field.isUpdatedAt) return { kind: 'now' };
  const declared = field.default;
  if (declared === undefined) return fallback;
  if (declared !== null && typeof declared === 'object' && !Array.isArray(declared)) {
    const { name, args } = declared as { name: string; args: readonly unknown[] };
    if (name === 'now') return { kind: 'now' };
    if (name === 'uuid' && (args[0] ?? 4) === 4) return { kind: 'generated', next: randomUUID };
    if (name === 'uuid' && args[0] === 7) return { kind: 'generated', next: uuidv7 };
    if (name === 'autoincrement' || name === 'dbgenerated' || name === 'sequence') return { kind: 'server' };
    return `${field.name} has @default(${name}(${args.join(', ')})), which the raw route does not generate`;
  }
  // A literal, written as Prisma writes it; one the encoder does not take is left to the server's default.
  const text = type.encode(literalValue(field, declared));
  return text === UNFIT ? { kind: 'server' } : { kind: 'literal', text };
}

/** A literal default as the value a caller would give: the DMMF keeps Json as its text, DateTime and BigInt as strings, Bytes as base64. */
function literalValue(field: DmmfField, literal: unknown): unknown {
  const one = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    switch (field.type) {
      case 'Json':
        return JSON.parse(value) as unknown;
      case 'DateTime':
        return new Date(value);
      case 'BigInt':
        return BigInt(value);
      case 'Bytes':
        return Buffer.from(value, 'base64');
      default:
        return value;
    }
  };
  return field.isList && Array.isArray(literal) ? literal.map(one) : one(literal);
}
