import { delegateNameOf, RelationFields, wrapWriteCalls } from '../prisma-call/index.js';
import { batchKeyOf } from './coalescible-create.js';
import type { CoalescingRecorder } from './coalescing-metrics.js';
import { CreateBatcher } from './create-batcher.js';

export interface WriteCoalescingOptions {
  /** Prisma model names whose single-row creates are coalesced, e.g. `['Feed']`. */
  readonly models: readonly string[];
  /** Most calls in one INSERT. Default 100. */
  readonly maxBatch?: number;
  /** How long a batch waits for more calls after its first; 0 (default) is the next turn of the event loop. */
  readonly windowMs?: number;
  readonly recorder?: CoalescingRecorder;
}

/**
 * Wraps the Prisma client of one primary so that concurrent `create` calls of the listed models
 * are sent together as multi-row INSERTs (see `CreateBatcher`); every other call, and a create
 * that cannot join a batch (`batchKeyOf`), runs as Prisma made it. Calls inside a `$transaction`
 * never reach this wrapper (Prisma runs them on its own transaction client), so they are never
 * coalesced; a create in a batch `$transaction([...])` is run by Prisma itself too.
 *
 * Wrap a client of one database and node: a batch is one statement on one server.
 */
export function coalesceCreates<C extends object>(client: C, options: WriteCoalescingOptions): C {
  const relations = RelationFields.of(client);
  const batchers = new Map<string, { model: string; batcher: CreateBatcher; relations: ReadonlyMap<string, string> }>();
  const settings = {
    maxBatch: options.maxBatch ?? 100,
    windowMs: options.windowMs ?? 0,
    ...(options.recorder ? { recorder: options.recorder } : {}),
  };
  for (const model of options.models) {
    if (relations.known && !relations.hasModel(model)) {
      throw new Error(
        `Write coalescing names the model ${model}, which this client's schema does not declare (models are named as in schema.prisma)`,
      );
    }
    const delegate = delegateNameOf(model);
    const batcher = new CreateBatcher(model, () => Reflect.get(client, delegate) as never, settings);
    batchers.set(`${delegate}.create`, { model, batcher, relations: relations.relationsOf(model) });
  }
  return wrapWriteCalls(client, {
    run: (name, first, _again, args) => {
      const coalesced = batchers.get(name);
      if (!coalesced) return first as Promise<unknown>;
      const key = batchKeyOf(args[0], coalesced.relations);
      if (key === undefined) {
        options.recorder?.call(coalesced.model, 'direct');
        return first as Promise<unknown>;
      }
      return coalesced.batcher.add(key, args[0] as Record<string, unknown>, first);
    },
  });
}
