import { z } from 'zod';

/**
 * What a topology field expects and how to fix it. A field's guide is declared with the field
 * itself, in the schema (`guided(z.number()…, { expects, hint })`): a problem at that field names
 * its path, says what it expects and gives the hint. Adding a field is one edit in the schema.
 */
export interface FieldGuide {
  readonly expects: string;
  readonly hint: string;
}

declare module 'zod' {
  interface GlobalMeta {
    /** See `guided`. */
    guide?: FieldGuide;
  }
}

/** `schema` with its guide attached (zod metadata, kept by checks chained after it). */
export function guided<T extends z.ZodType>(schema: T, guide: FieldGuide): T {
  return schema.meta({ guide });
}

type Def = Record<string, unknown> & { type: string };
const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

const defOf = (schema: z.core.$ZodType): Def => schema._zod.def as unknown as Def;

/** The wrappers of a field (optional, default, …) and what they wrap, outermost first. */
function layers(schema: z.core.$ZodType): z.core.$ZodType[] {
  const all = [schema];
  for (let current = schema; ;) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type)) current = def['innerType'] as z.core.$ZodType;
    else if (def.type === 'pipe') current = def['in'] as z.core.$ZodType;
    else return all;
    all.push(current);
  }
}

const unwrap = (schema: z.core.$ZodType): z.core.$ZodType => layers(schema).at(-1)!;

/** The schema of the field at `path` (walking objects, records and lists), or `undefined` where `schema` has no such field. */
export function fieldSchemaAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): z.core.$ZodType | undefined {
  let current: z.core.$ZodType | undefined = schema;
  for (const segment of path) {
    if (!current) return undefined;
    const def = defOf(unwrap(current));
    if (def.type === 'object') current = (def['shape'] as Record<string, z.core.$ZodType>)[String(segment)];
    else if (def.type === 'record') current = def['valueType'] as z.core.$ZodType;
    else if (def.type === 'array') current = def['element'] as z.core.$ZodType;
    else return undefined;
  }
  return current;
}

/** The guide declared for the field at `path`, if any. */
export function guideAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): FieldGuide | undefined {
  const field = fieldSchemaAt(schema, path);
  if (!field) return undefined;
  for (const layer of layers(field)) {
    const guide = z.globalRegistry.get(layer as z.ZodType)?.guide;
    if (guide) return guide;
  }
  return undefined;
}

/** The fields an object schema allows at `path`. */
export function allowedKeys(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const field = fieldSchemaAt(schema, path);
  const def = field ? defOf(unwrap(field)) : undefined;
  return def?.type === 'object' ? Object.keys(def['shape'] as object) : [];
}

/** The names of every field, at any depth of the given schemas, whose value is a number. */
export function numberFieldNames(...schemas: z.core.$ZodType[]): Set<string> {
  const names = new Set<string>();
  const visit = (schema: z.core.$ZodType, name: string | undefined): void => {
    const def = defOf(unwrap(schema));
    if (def.type === 'number' && name !== undefined) names.add(name);
    else if (def.type === 'object')
      for (const [key, field] of Object.entries(def['shape'] as Record<string, z.core.$ZodType>)) visit(field, key);
    else if (def.type === 'record') visit(def['valueType'] as z.core.$ZodType, undefined);
    else if (def.type === 'array') visit(def['element'] as z.core.$ZodType, undefined);
  };
  for (const schema of schemas) visit(schema, undefined);
  return names;
}
