/**
 * The full data model of a generated client (Prisma's DMMF): what the runtime data model
 * (`client._runtimeDataModel`, see `RelationFields`) leaves out — defaults, `@updatedAt`, native
 * types, `@map` of enum values. Prisma 7 clients carry only their schema's text
 * (`_engineConfig.inlineSchema`); Prisma's own schema parser (`@prisma/prisma-schema-wasm`, the
 * one its CLI uses) turns it into the DMMF. Parsed once per schema text in a process (~100 ms on
 * these machines), asynchronously, and only by the code that needs it.
 */

/** One field of a model, as the DMMF describes it (the parts read here). */
export interface DmmfField {
  readonly name: string;
  /** The column, when `@map` renames it. */
  readonly dbName?: string | null;
  /** `scalar`, `enum`, `object` (a relation); unsupported columns are not listed. */
  readonly kind: string;
  /** `String`, `Int`, …, or the enum's or related model's name. */
  readonly type: string;
  readonly isList: boolean;
  readonly isRequired: boolean;
  readonly isUpdatedAt: boolean;
  /** A literal (`0`, `"x"`, `["a"]`) or a function: `{ name: 'uuid', args: [4] }`, `{ name: 'autoincrement', args: [] }`. */
  readonly default?: unknown;
  /** `['Uuid', []]`, `['VarChar', ['40']]`, or null for the type's default. */
  readonly nativeType?: readonly [string, readonly string[]] | null;
}

export interface DmmfModel {
  readonly name: string;
  /** The table, when `@@map` renames it. */
  readonly dbName: string | null;
  /** The database schema named by `@@schema`, if any. */
  readonly schema?: string | null;
  readonly fields: readonly DmmfField[];
}

export interface DmmfEnum {
  readonly name: string;
  /** The database type, when `@@map` renames it. */
  readonly dbName?: string | null;
  readonly values: ReadonlyArray<{ readonly name: string; readonly dbName: string | null }>;
}

export interface Dmmf {
  readonly models: readonly DmmfModel[];
  readonly enums: readonly DmmfEnum[];
}

const parsed = new Map<string, Promise<Dmmf>>();

/** The DMMF of a Prisma client, or undefined when the client carries no schema text (not a Prisma 7 client). */
export function dmmfOf(client: object): Promise<Dmmf> | undefined {
  const config = Reflect.get(client, '_engineConfig') as { inlineSchema?: unknown } | undefined;
  const schema = config?.inlineSchema;
  if (typeof schema !== 'string') return undefined;
  let dmmf = parsed.get(schema);
  if (!dmmf) {
    dmmf = import('@prisma/prisma-schema-wasm').then(({ get_dmmf }) => {
      const document = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: schema }))) as { datamodel: Dmmf };
      return document.datamodel;
    });
    parsed.set(schema, dmmf);
  }
  return dmmf;
}
