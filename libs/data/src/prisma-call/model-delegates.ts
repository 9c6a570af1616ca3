/**
 * How a Prisma client exposes its models: one delegate object per model, named after the model
 * with a lower-case first letter (`TransactionEvent` → `client.transactionEvent`), next to client
 * methods that start with `$` and internals that start with `_`.
 */

/** A model's delegate: `findMany`, `create`, … each returning a lazy Prisma promise. */
export type ModelDelegate = Record<string, (...args: never[]) => unknown>;

/** The delegate property of a model: `TransactionEvent` → `transactionEvent`. */
export function delegateNameOf(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}

/** The model of a delegate property: `transactionEvent` → `TransactionEvent`. */
export function modelNameOf(delegateName: string): string {
  return delegateName.charAt(0).toUpperCase() + delegateName.slice(1);
}

/**
 * True when `property`, read from a client, gave a model delegate: a plain name (no `$` client
 * method, no `_` internal) whose value has `findMany`. Anything else on a client (`constructor`,
 * `then`, lifecycle hooks a framework looks for) is not a model. Narrows `property` to its name.
 */
export function isModelDelegate(property: PropertyKey, value: unknown): property is string {
  return (
    typeof property === 'string' &&
    !property.startsWith('$') &&
    !property.startsWith('_') &&
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Partial<ModelDelegate>)['findMany'] === 'function'
  );
}

/** The delegate of `property` on `client`, or `undefined` when that property is not a model. */
export function modelDelegateOf(client: object, property: PropertyKey): ModelDelegate | undefined {
  const value: unknown = Reflect.get(client, property);
  return isModelDelegate(property, value) ? (value as ModelDelegate) : undefined;
}

/** Calls `operation` on `model`'s delegate of `client`: `callDelegate(db, 'Transaction', 'findMany', args)`. */
export function callDelegate(client: object, model: string, operation: string, args: unknown): Promise<unknown> {
  const name = delegateNameOf(model);
  const method = modelDelegateOf(client, name)?.[operation] as ((args: unknown) => unknown) | undefined;
  if (typeof method !== 'function') {
    throw new TypeError(`The client has no ${name}.${operation}(): is it generated from the schema that declares model ${model}?`);
  }
  // A Prisma promise (lazy, thenable), typed as the promise it behaves as.
  return method.call(Reflect.get(client, name), args) as Promise<unknown>;
}
