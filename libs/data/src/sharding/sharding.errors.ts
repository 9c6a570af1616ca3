import { DataError } from '@neo/topology';

/**
 * Errors the shard router throws on purpose. Each has a stable `code`; the messages
 * name the model, the operation and the shard, never a connection string.
 */

/** The topology's sharding block cannot work (ranges overlap, a remainder is missing, …). */
export class ShardingConfigError extends DataError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SHARDING_CONFIG_INVALID', message, options);
  }
}

/** A write on a sharded model does not say which shard its rows belong to. */
export class ShardKeyRequiredError extends DataError {
  constructor(
    readonly model: string,
    readonly operation: string,
    readonly keyField: string,
    hint = `give "${keyField}" in the where/data, or opt in to a write on every shard with $allShards()`,
  ) {
    super('SHARD_KEY_REQUIRED', `${model}.${operation} needs the shard key "${keyField}" to find its shard: ${hint}.`);
  }
}

/** A shard key value of a type the strategy cannot place (e.g. a string for modulo). */
export class ShardKeyTypeError extends DataError {
  constructor(
    readonly keyField: string,
    readonly value: unknown,
    expected: string,
  ) {
    super('SHARD_KEY_TYPE', `Shard key "${keyField}" must be ${expected}; got ${describeValue(value)}.`);
  }
}

/** A range-sharded key value that no shard's range contains. */
export class ShardKeyOutOfRangeError extends DataError {
  constructor(
    readonly keyField: string,
    readonly value: unknown,
    ranges: string,
  ) {
    super(
      'SHARD_KEY_OUT_OF_RANGE',
      `No shard holds ${keyField} = ${describeValue(value)}; the shards cover ${ranges}. ` +
        'Add a shard for this range (or an open-ended last shard) to the topology.',
    );
  }
}

/** A call bound to one shard (a transaction or `$shard(key)`) would touch another shard. */
export class CrossShardTransactionError extends DataError {
  constructor(message: string) {
    super('CROSS_SHARD_TRANSACTION', message);
  }
}

/** A model the sharding block does not mention, or a call the router cannot spread over shards. */
export class UnroutableCallError extends DataError {
  constructor(message: string) {
    super('UNROUTABLE_CALL', message);
  }
}

/** One shard failed during a call that spans several shards. */
export class ShardQueryError extends DataError {
  constructor(
    readonly shard: string,
    readonly model: string,
    readonly operation: string,
    cause: unknown,
  ) {
    super(
      'SHARD_QUERY_FAILED',
      `${model}.${operation} failed on shard "${shard}": ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

function describeValue(value: unknown): string {
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (typeof value === 'bigint') return `${value}n (bigint)`;
  if (typeof value === 'string') return `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}" (string)`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${JSON.stringify(value)?.slice(0, 60)})`;
  return `${String(value)} (${typeof value})`;
}

/**
 * A nested write (`data: { events: { updateMany: … } }`) would put a related row on a shard
 * where its shard key does not belong, or write a reference/single model on the wrong shard.
 * `path` names the place in the arguments, e.g. `data.events.updateMany.data.userId`.
 */
export class NestedWriteShardError extends DataError {
  constructor(
    readonly model: string,
    readonly operation: string,
    readonly path: string,
    reason: string,
  ) {
    super('NESTED_WRITE_SHARD', `${model}.${operation}: the nested write at ${path} ${reason}. Nothing was written.`);
  }
}
