import { isPlainObject } from './shard-key-extraction.js';

/**
 * Makes sure the rows a shard returns carry `fields` (needed to order, deduplicate or
 * locate rows while merging) and says which ones the caller did not ask for, so they
 * can be removed again. Works with `select`, `omit` and `include` arguments.
 */
export function withFieldsSelected(
  args: Record<string, unknown>,
  fields: readonly string[],
): { args: Record<string, unknown>; added: string[] } {
  const added: string[] = [];
  if (isPlainObject(args.select)) {
    const select = { ...args.select };
    for (const field of fields) {
      if (select[field] !== true) {
        select[field] = true;
        added.push(field);
      }
    }
    return { args: { ...args, select }, added };
  }
  if (isPlainObject(args.omit)) {
    const omit = { ...args.omit };
    for (const field of fields) {
      if (omit[field] === true) {
        delete omit[field];
        added.push(field);
      }
    }
    return { args: { ...args, omit }, added };
  }
  return { args, added };
}

/** The arguments without the keys whose value is undefined (Prisma treats both alike; logs read better). */
export function definedOnly(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined));
}
