/**
 * Prisma's operations, by what routing does with them. The one list every layer uses: the
 * side switch (monolith or service), the shard router and the read/write split.
 */

/**
 * Model operations that read, as `@prisma/extension-read-replicas` routes them to a replica
 * (`findRaw` and `aggregateRaw` exist on MongoDB clients only).
 */
export const READ_OPERATIONS: ReadonlySet<string> = new Set([
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'findUnique',
  'findUniqueOrThrow',
  'groupBy',
  'aggregate',
  'count',
  'findRaw',
  'aggregateRaw',
]);

/** Writes that place new rows: routed by the key in their `data`. */
export const CREATE_OPERATIONS: ReadonlySet<string> = new Set(['create', 'createMany', 'createManyAndReturn']);

/** Writes of one record found by a unique `where`. */
export const SINGLE_RECORD_WRITES: ReadonlySet<string> = new Set(['update', 'delete', 'upsert']);

/** Writes of every record a `where` matches. */
export const MANY_RECORD_WRITES: ReadonlySet<string> = new Set(['updateMany', 'updateManyAndReturn', 'deleteMany']);

/** Client methods that run SQL as written and return rows: by convention reads, but they run on the primary. */
export const RAW_QUERIES: ReadonlySet<string> = new Set(['$queryRaw', '$queryRawUnsafe', '$queryRawTyped']);

/** Client methods that run SQL as written and return a count of rows changed. */
export const RAW_EXECUTES: ReadonlySet<string> = new Set(['$executeRaw', '$executeRawUnsafe']);

export function isReadOperation(operation: string): boolean {
  return READ_OPERATIONS.has(operation);
}

/** What a call does, as far as choosing where it runs goes. */
export type CallKind = 'read' | 'write';

/**
 * A call by its path on the client: `[model, operation]` for a model call, `[method]` for a
 * client method. Model reads and `$replica()` are reads; everything else (model writes,
 * `$transaction`, raw SQL) counts as a write. Sending a read where writes go is always correct
 * (that side holds every write); the reverse is not, so anything unknown is a write.
 */
export function classifyPrismaCall(path: readonly [string] | readonly [string, string]): CallKind {
  if (path.length === 2) return isReadOperation(path[1]) ? 'read' : 'write';
  return path[0] === '$replica' ? 'read' : 'write';
}
