import { LazyCall } from './lazy-call.js';
import type { RelationFields } from './relation-fields.js';

/**
 * Prisma's fluent relation API on a routing client's calls: `db.user.findUnique({ where }).posts()`
 * runs the same call once, asking only for that relation (`select: { posts: true }`), and answers
 * the relation (null when the record is not found). The call keeps its kind, so a fluent read is
 * routed as the read it is. Chains (`.author().posts()`) select deeper.
 */

/** Operations that return one record, which Prisma offers the fluent API on. */
export const FLUENT_OPERATIONS: ReadonlySet<string> = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'create',
  'update',
  'upsert',
  'delete',
]);

type Args = Record<string, unknown>;
/** Runs the call's operation with other arguments (on the same routing client). */
export type IssueCall = (args: Args) => LazyCall;

/** A call with one method per relation of its model (the methods live on a per-model class). */
interface FluentLazyCall extends LazyCall {
  follow(relation: string, relationArgs: unknown): LazyCall;
}

export class FluentCalls {
  private readonly classes = new Map<string, new (...params: ConstructorParameters<typeof LazyCall>) => FluentLazyCall>();

  constructor(private readonly relations: RelationFields) {}

  /**
   * `call` (of `operation` on `model`, made with `args`) with the fluent methods of the model's
   * relations; `issue` makes the same call with other arguments.
   */
  wrap(model: string, operation: string, args: unknown, call: LazyCall, issue: IssueCall): LazyCall {
    if (!FLUENT_OPERATIONS.has(operation) || this.relations.relationsOf(model).size === 0) return call;
    return this.fluent(model, (args ?? {}) as Args, [], call, issue);
  }

  /**
   * The call of `operation` on `model` that `execute` runs, with the fluent methods of the model's
   * relations when the operation offers them: what `wrap` makes of `new LazyCall(shape, execute,
   * inBatchTransaction)`, as one call instead of one call around another (routing clients make
   * one on every query). `rootArgs`: the arguments the caller gave, which a relation asks again with.
   */
  make(
    model: string,
    rootArgs: unknown,
    shape: LazyCall['shape'],
    execute: () => PromiseLike<unknown>,
    inBatchTransaction: ((transaction: unknown) => unknown) | undefined,
    issue: IssueCall,
  ): LazyCall {
    if (!FLUENT_OPERATIONS.has(shape.operation) || this.relations.relationsOf(model).size === 0) {
      return new LazyCall(shape, execute, inBatchTransaction);
    }
    const Fluent = this.classOf(model);
    return this.withFollow(new Fluent(shape, execute, inBatchTransaction), model, (rootArgs ?? {}) as Args, [], issue);
  }

  private fluent(model: string, rootArgs: Args, path: readonly string[], call: LazyCall, issue: IssueCall): LazyCall {
    const Fluent = this.classOf(model);
    // `call.then` starts the call in this very tick (a thenable handed to Promise.resolve would wait one).
    const fluent = new Fluent(call.shape, () => call.then((result) => result), call.requestTransaction);
    return this.withFollow(fluent, model, rootArgs, path, issue);
  }

  /** Gives `fluent` (a call of `model`, reached from the root call by `path`) the way to follow one of its relations. */
  private withFollow(fluent: FluentLazyCall, model: string, rootArgs: Args, path: readonly string[], issue: IssueCall): LazyCall {
    fluent.follow = (relation, relationArgs) => {
      const target = this.relations.relationsOf(model).get(relation)!;
      const followed = [...path, relation];
      const inner = issue(withRelationSelected(rootArgs, followed, relationArgs));
      const unpacked = new LazyCall(inner.shape, () => inner.then((result) => valueAt(result, followed)));
      return this.fluent(target, rootArgs, followed, unpacked, issue);
    };
    return fluent;
  }

  private classOf(model: string) {
    let Fluent = this.classes.get(model);
    if (!Fluent) {
      const Base = class extends LazyCall {} as unknown as new (...params: ConstructorParameters<typeof LazyCall>) => FluentLazyCall;
      for (const relation of this.relations.relationsOf(model).keys()) {
        if (relation in LazyCall.prototype || relation === 'shape' || relation === 'follow') continue;
        Object.defineProperty(Base.prototype, relation, {
          value(this: FluentLazyCall, relationArgs?: unknown) {
            return this.follow(relation, relationArgs);
          },
        });
      }
      Fluent = Base;
      this.classes.set(model, Fluent);
    }
    return Fluent;
  }
}

/** The root arguments asking only for the relation path: `select: { a: { select: { b: args ?? true } } }`. */
function withRelationSelected(rootArgs: Args, path: readonly string[], relationArgs: unknown): Args {
  const { select: _select, include: _include, omit: _omit, ...rest } = rootArgs;
  let selection: unknown = relationArgs ?? true;
  for (let i = path.length - 1; i >= 0; i--) {
    selection = i === path.length - 1 ? { [path[i]!]: selection } : { [path[i]!]: { select: selection } };
  }
  return { ...rest, select: selection };
}

function valueAt(result: unknown, path: readonly string[]): unknown {
  let value = result;
  for (const relation of path) {
    if (value === null || value === undefined) return null;
    value = (value as Args)[relation];
  }
  return value ?? null;
}
