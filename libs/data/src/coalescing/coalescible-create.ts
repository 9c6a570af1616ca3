/** The arguments of a `create` that can join a multi-row INSERT: only these keys. */
const BATCHABLE_KEYS: ReadonlySet<string> = new Set(['data', 'select', 'omit']);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** A `select` or `omit` of scalar fields only (`{ id: true, key: true }`): `createManyAndReturn` honours it. */
function scalarFieldsOnly(value: unknown, relations: ReadonlyMap<string, string>): boolean {
  if (!isPlainObject(value)) return false;
  for (const [field, flag] of Object.entries(value)) if (typeof flag !== 'boolean' || relations.has(field)) return false;
  return true;
}

/**
 * Which batch `create(args)` may join, or `undefined` when it must run as a plain create. Calls
 * join the same batch only when they ask for the same fields back (`''` for the whole row, else
 * their `select`/`omit`), because one `createManyAndReturn` returns one shape.
 *
 * Runs alone: `data` with a relation field (a nested write or `connect`, which
 * `createManyAndReturn` cannot take), `include` or a `select`/`omit` naming a relation, and any
 * argument it does not know.
 */
export function batchKeyOf(args: unknown, relations: ReadonlyMap<string, string>): string | undefined {
  if (!isPlainObject(args) || !isPlainObject(args['data'])) return undefined;
  let shaped = false;
  for (const key of Object.keys(args)) {
    if (!BATCHABLE_KEYS.has(key)) return undefined;
    if (key !== 'data' && args[key] !== undefined) shaped = true;
  }
  for (const field of Object.keys(args['data'])) if (relations.has(field)) return undefined;
  if (!shaped) return '';
  for (const key of ['select', 'omit'] as const) {
    if (args[key] !== undefined && !scalarFieldsOnly(args[key], relations)) return undefined;
  }
  return JSON.stringify([args['select'] ?? null, args['omit'] ?? null]);
}
