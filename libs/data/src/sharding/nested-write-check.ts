import type { ModelPlacement } from './model-routing.js';
import type { RelationFields } from '../prisma-call/index.js';
import { isPlainObject, keyOfData, keyUpdateOfData } from './shard-key-extraction.js';
import type { ShardCallContext } from './shard-call-context.js';
import type { ShardRouter } from './shard-router.js';
import { NestedWriteShardError } from './sharding.errors.js';

/**
 * Checks the nested writes of one write before it is sent. A nested write runs on the
 * database of its parent, so every related row it creates or changes must belong there:
 * - a sharded child's key (given in create data, or set by update data) must map to the
 *   parent's shard — otherwise the row lands where its key cannot find it;
 * - a reference child lives on every shard, so one shard's write cannot create or change it;
 * - a single-model child lives on its own shard, so only a parent on that shard may write it.
 * Connecting, disconnecting and deleting related rows place nothing and pass.
 *
 * `shard` is where the parent's write runs; `undefined` means every shard (a reference parent).
 */
export function checkNestedWrites(
  router: ShardRouter,
  relations: RelationFields,
  call: { model: string; operation: string },
  shard: string | undefined,
  parentData: Record<string, unknown>,
): void {
  if (!relations.known) return;
  const refuse = (path: string, reason: string) => {
    throw new NestedWriteShardError(call.model, call.operation, path, reason);
  };

  const visitData = (model: string, data: unknown, path: string) => {
    if (!isPlainObject(data)) return;
    for (const [field, value] of Object.entries(data)) {
      const target = relations.targetOf(model, field);
      if (target === undefined || !isPlainObject(value)) continue;
      for (const [operation, operand] of Object.entries(value)) {
        if (operand === undefined) continue;
        visitNested(target, operation, operand, `${path}.${field}.${operation}`);
      }
    }
  };

  const visitNested = (target: string, operation: string, operand: unknown, path: string) => {
    const items = Array.isArray(operand) ? operand : [operand];
    switch (operation) {
      case 'create':
        items.forEach((row, i) => createdRow(target, row, indexed(path, operand, i)));
        return;
      case 'createMany': {
        const rows = isPlainObject(operand) ? operand.data : undefined;
        (Array.isArray(rows) ? rows : [rows]).forEach((row, i) => createdRow(target, row, indexed(`${path}.data`, rows, i)));
        return;
      }
      case 'connectOrCreate':
        items.forEach((item, i) => isPlainObject(item) && createdRow(target, item.create, `${indexed(path, operand, i)}.create`));
        return;
      case 'update':
      case 'updateMany':
        items.forEach((item, i) => {
          const at = indexed(path, operand, i);
          // To-many: `{ where, data }`; to-one: `{ where?, data }` or the update fields themselves.
          if (isPlainObject(item) && 'data' in item && Object.keys(item).every((key) => key === 'data' || key === 'where'))
            updatedRow(target, item.data, `${at}.data`);
          else updatedRow(target, item, at);
        });
        return;
      case 'upsert':
        items.forEach((item, i) => {
          if (!isPlainObject(item)) return;
          const at = indexed(path, operand, i);
          createdRow(target, item.create, `${at}.create`);
          updatedRow(target, item.update, `${at}.update`);
        });
        return;
      default:
        // connect, disconnect, set, delete, deleteMany: no row is placed.
        return;
    }
  };

  const createdRow = (target: string, row: unknown, path: string) => {
    placeable(target, path);
    const placement = router.placementOf(target);
    if (placement.kind === 'sharded' && shard !== undefined) {
      const key = keyOfData(router.strategy, row);
      if (key !== undefined && key !== null) sameShard(router.shardForKey(key), `${path}.${router.strategy.keyField}`, key);
    }
    visitData(target, row, path);
  };

  const updatedRow = (target: string, data: unknown, path: string) => {
    placeable(target, path);
    if (router.placementOf(target).kind === 'sharded') {
      const update = keyUpdateOfData(router.strategy, data);
      if (update) {
        const at = `${path}.${router.strategy.keyField}`;
        if (typeof update.value === 'symbol') refuse(at, 'computes a new shard key, which could move the row to another shard');
        sameShard(router.shardForKey(update.value), at, update.value);
      }
    }
    visitData(target, data, path);
  };

  /** A row of `target` can be written from the parent's database at all. */
  const placeable = (target: string, path: string) => {
    const placement: ModelPlacement = router.placementOf(target);
    if (placement.kind === 'reference' && shard !== undefined)
      refuse(
        path,
        `writes ${target}, a reference model copied to every shard, on shard "${shard}" only; write it through its own delegate`,
      );
    if (placement.kind === 'sharded' && shard === undefined)
      refuse(path, `writes ${target}, a sharded model, into every shard's copy of a reference model; write it through its own delegate`);
    if (placement.kind === 'single' && placement.shard !== shard)
      refuse(path, `writes ${target}, which lives on shard "${placement.shard}", from ${shard ? `shard "${shard}"` : 'every shard'}`);
  };

  const sameShard = (keyShard: string, path: string, key: unknown) => {
    if (keyShard !== shard)
      refuse(path, `gives the shard key ${String(key)}, which belongs on shard "${keyShard}", to a row written on shard "${shard}"`);
  };

  for (const [argument, data] of Object.entries(parentData)) visitData(call.model, data, argument);
}

/** Refuses nested writes of a routed call that would place related rows on the wrong shard (`shard` undefined: every shard). */
export function checkNested(context: ShardCallContext, operation: string, args: Record<string, unknown>, shard: string | undefined): void {
  const nested = nestedWriteArguments(operation, args);
  if (nested) checkNestedWrites(context.router, context.relations, { model: context.model, operation }, shard, nested);
}

/** The arguments of a call that may hold nested writes: `data` of create/update, `create`/`update` of upsert. */
export function nestedWriteArguments(operation: string, args: Record<string, unknown>): Record<string, unknown> | undefined {
  if (operation === 'create' || operation === 'update') return { data: args.data };
  if (operation === 'upsert') return { create: args.create, update: args.update };
  return undefined;
}

function indexed(path: string, operand: unknown, index: number): string {
  return Array.isArray(operand) ? `${path}[${index}]` : path;
}
