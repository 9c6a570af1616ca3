/** Prisma model operations, by what the router must do with them. */
export const READ_OPERATIONS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
]);

/** Writes that place new rows: routed by the key in their `data`. */
export const CREATE_OPERATIONS = new Set(['create', 'createMany', 'createManyAndReturn']);

/** Writes of one record found by a unique `where`. */
export const SINGLE_RECORD_WRITES = new Set(['update', 'delete', 'upsert']);

/** Writes of every record a `where` matches. */
export const MANY_RECORD_WRITES = new Set(['updateMany', 'updateManyAndReturn', 'deleteMany']);

export function isReadOperation(operation: string): boolean {
  return READ_OPERATIONS.has(operation);
}
