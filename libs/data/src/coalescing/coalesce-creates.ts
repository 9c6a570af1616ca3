import { delegateNameOf, RelationFields, wrapWriteCalls } from '../prisma-call/index.js';
import { batchKeyOf } from './coalescible-create.js';
import type { CoalescingRecorder } from './coalescing-metrics.js';
import { CreateBatcher, createManyAndReturnOf, type BatchStatement } from './create-batcher.js';
import { RawInsertRoute, type RawInsertCall } from './raw-insert-route.js';

export interface WriteCoalescingOptions {
  /** Prisma model names whose single-row creates are coalesced, e.g. `['Feed']`. */
  readonly models: readonly string[];
  /** Most calls in one INSERT. Default 100. */
  readonly maxBatch?: number;
  /** How long a batch waits for more calls after its first; 0 (default) is the next turn of the event loop. */
  readonly windowMs?: number;
  /**
   * Send batches as one raw `unnest` INSERT where the model's fields allow (default true); false
   * sends every batch through Prisma's `createManyAndReturn`.
   */
  readonly rawInserts?: boolean;
  readonly recorder?: CoalescingRecorder;
}

/** One coalesced model: its batches, and how they go out. */
interface CoalescedModel {
  readonly model: string;
  readonly batcher: CreateBatcher;
  readonly relations: ReadonlyMap<string, string>;
  readonly viaPrisma: BatchStatement;
  /** Set once the client's data model has been read, if the raw route can write this model. */
  raw?: { readonly route: RawInsertRoute; readonly statement: BatchStatement };
}

/** Models already reported as falling back, so a process says it once however many clients it wraps. */
const reportedFallbacks = new Set<string>();

/**
 * Wraps the Prisma client of one primary so that concurrent `create` calls of the listed models
 * are sent together as multi-row INSERTs (see `CreateBatcher`); every other call, and a create
 * that cannot join a batch (`batchKeyOf`), runs as Prisma made it. Calls inside a `$transaction`
 * never reach this wrapper (Prisma runs them on its own transaction client), so they are never
 * coalesced; a create in a batch `$transaction([...])` is run by Prisma itself too, and so are
 * the creates of a client made by `$extends` (its extensions must see each call).
 *
 * A batch goes out as one raw `unnest` INSERT (`RawInsertRoute`) when the model's fields allow it
 * and each call's values are ones it writes as Prisma would, otherwise as one
 * `createManyAndReturn`. Which model can take the raw route is read from the client's data model
 * when the client is wrapped; creates made before that is done (the first ~100 ms of a process)
 * wait for it.
 *
 * Wrap a client of one database and node: a batch is one statement on one server.
 */
export function coalesceCreates<C extends object>(client: C, options: WriteCoalescingOptions): C {
  const relations = RelationFields.of(client);
  const coalesced = new Map<string, CoalescedModel>();
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
    coalesced.set(`${delegate}.create`, {
      model,
      batcher: new CreateBatcher(model, settings),
      relations: relations.relationsOf(model),
      viaPrisma: createManyAndReturnOf(() => Reflect.get(client, delegate) as never),
    });
  }
  // Until the raw routes are known, calls wait for them; after that they go on at once.
  let opening = options.rawInserts === false ? undefined : openRawRoutes(client, [...coalesced.values()]);
  void opening?.then(() => (opening = undefined));

  const join = (target: CoalescedModel, args: Record<string, unknown>, first: PromiseLike<unknown>): Promise<unknown> => {
    const selection = batchKeyOf(args, target.relations);
    if (selection === undefined) {
      options.recorder?.call(target.model, 'direct');
      return first as Promise<unknown>;
    }
    const prepared = target.raw?.route.prepare(args, selection);
    if (target.raw && prepared) {
      return target.batcher.add(`unnest\n${prepared.batch}`, { args, alone: first, prepared }, target.raw.statement);
    }
    return target.batcher.add(`createManyAndReturn\n${selection}`, { args, alone: first }, target.viaPrisma);
  };
  return wrapWriteCalls(client, {
    // A batch is one INSERT, not each caller's `create`: a query extension would not see the calls
    // and a result extension would not compute its fields, so an extended client does not coalesce.
    wrapExtendedClients: false,
    // A call that joins a batch never runs its own Prisma call: it is made only if the call goes alone.
    deferred: (name) => coalesced.has(name),
    run: (name, first, _again, args) => {
      const target = coalesced.get(name);
      if (!target) return first as Promise<unknown>;
      const callArgs = args[0] as Record<string, unknown>;
      return opening ? opening.then(() => join(target, callArgs, first)) : join(target, callArgs, first);
    },
  });
}

/** Reads the client's data model and gives each model the raw route can write its route; never rejects. */
async function openRawRoutes(client: object, models: readonly CoalescedModel[]): Promise<void> {
  let routes: Map<string, RawInsertRoute | string>;
  try {
    routes = await RawInsertRoute.forModels(
      client,
      models.map(({ model }) => model),
    );
  } catch (error) {
    routes = new Map(models.map(({ model }) => [model, `its data model could not be read (${String(error)})`]));
  }
  for (const target of models) {
    const route = routes.get(target.model);
    if (route instanceof RawInsertRoute) {
      target.raw = {
        route,
        statement: {
          name: 'unnest',
          // A batch has two calls or more, each prepared by this route.
          send: (calls) => route.insert(calls.map((call) => call.prepared) as [RawInsertCall, ...RawInsertCall[]]),
        },
      };
    } else if (route && !reportedFallbacks.has(`${target.model}: ${route}`)) {
      reportedFallbacks.add(`${target.model}: ${route}`);
      process.emitWarning(`Write coalescing sends ${target.model}'s batches through createManyAndReturn: ${route}`, {
        code: 'NEO_DATA_RAW_INSERT_FALLBACK',
      });
    }
  }
}
