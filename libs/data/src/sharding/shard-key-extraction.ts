import { ALL_SHARDS, intersectDestinations, toShards, unionDestinations, type Destination } from './destination.js';
import type { KeyBounds, ShardingStrategy } from './sharding-strategy.js';
import { ShardKeyOutOfRangeError } from './sharding.errors.js';

/**
 * Reads the shard key out of Prisma arguments. A `where` becomes a Destination:
 * equality → one shard, `in` → its shards, range bounds → the overlapping shards (range
 * strategy), AND → intersection, OR → union; anything else (NOT, relation filters, no
 * key) leaves the call on every shard.
 */
export function destinationOfWhere(strategy: ShardingStrategy, where: unknown): Destination {
  if (!isPlainObject(where)) return ALL_SHARDS;
  let destination: Destination = ALL_SHARDS;
  const key = strategy.keyField;
  for (const [field, condition] of Object.entries(where)) {
    if (condition === undefined) continue;
    if (field === key) {
      destination = intersectDestinations(destination, destinationOfKeyCondition(strategy, condition));
    } else if (field === 'AND') {
      for (const part of Array.isArray(condition) ? condition : [condition]) {
        destination = intersectDestinations(destination, destinationOfWhere(strategy, part));
      }
    } else if (field === 'OR' && Array.isArray(condition)) {
      // An empty OR matches nothing.
      const union = condition.reduce<Destination>((acc, part) => unionDestinations(acc, destinationOfWhere(strategy, part)), toShards([]));
      destination = intersectDestinations(destination, union);
    } else if (isPlainObject(condition) && key in condition && field.includes('_')) {
      // A compound unique input such as `userId_id: { userId, id }`.
      destination = intersectDestinations(destination, destinationOfKeyCondition(strategy, condition[key]));
    }
  }
  return destination;
}

/** The key value a `create` row carries, or undefined when it does not say. */
export function keyOfData(strategy: ShardingStrategy, data: unknown): unknown {
  if (!isPlainObject(data)) return undefined;
  const value = data[strategy.keyField];
  return isPlainObject(value) ? undefined : value;
}

/** The new key value an `update` data sets (`key: v` or `key: { set: v }`), if any. */
export function keyUpdateOfData(strategy: ShardingStrategy, data: unknown): { value: unknown } | undefined {
  if (!isPlainObject(data) || data[strategy.keyField] === undefined) return undefined;
  const value = data[strategy.keyField];
  if (isPlainObject(value)) return 'set' in value ? { value: value.set } : { value: Symbol('computed') };
  return { value };
}

function destinationOfKeyCondition(strategy: ShardingStrategy, condition: unknown): Destination {
  if (!isPlainObject(condition)) {
    // `key: value` equality (a null key matches no row in the key's shard either: scan all).
    return condition === null ? ALL_SHARDS : toShards(shardsHolding(strategy, [condition]));
  }
  let destination: Destination = ALL_SHARDS;
  const bounds: KeyBounds = {};
  let hasBounds = false;
  for (const [operator, operand] of Object.entries(condition)) {
    if (operand === undefined) continue;
    if (isFieldReference(operand)) continue;
    switch (operator) {
      case 'equals':
        if (operand !== null) destination = intersectDestinations(destination, toShards(shardsHolding(strategy, [operand])));
        break;
      case 'in':
        if (Array.isArray(operand)) destination = intersectDestinations(destination, toShards(shardsHolding(strategy, operand)));
        break;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        bounds[operator] = operand;
        hasBounds = true;
        break;
      default:
        // not, notIn, mode, …: no narrowing.
        break;
    }
  }
  if (hasBounds) destination = intersectDestinations(destination, toShards(strategy.shardsWithin(bounds)));
  return destination;
}

/**
 * The shards holding rows with these key values. A value outside every shard's range is on no
 * shard, so a filter naming it matches no row anywhere, as on one database: a read finds
 * nothing, a delete deletes nothing. (Placing a new row there is refused where rows are placed.)
 */
function shardsHolding(strategy: ShardingStrategy, values: readonly unknown[]): string[] {
  // A plain loop: an equality on the key (one value) is routed on almost every call.
  const shards: string[] = [];
  for (const value of values) {
    try {
      shards.push(strategy.shardFor(value));
    } catch (error) {
      if (!(error instanceof ShardKeyOutOfRangeError)) throw error;
    }
  }
  return shards;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Prisma field references (`prisma.model.fields.x`) compare columns; they name no key value. */
function isFieldReference(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    'modelName' in value &&
    'name' in value
  );
}
