import { delegateNameOf, modelDelegateOf } from './model-delegates.js';

type Method = (args: unknown) => unknown;

/**
 * One operation of one model (`Item.findUnique`), called on whichever client a router picks, as
 * `callDelegate` calls it. A Prisma client answers each property read through proxy traps (a
 * wrapped client through several more), which cost more than the routing itself on a call made
 * for every query; here each client's delegate and method are looked up once, on its first call.
 * Only for clients whose delegates stay the same: Prisma clients and this library's wrappers.
 */
export class DelegateMethod {
  private readonly delegateName: string;
  private readonly byClient = new WeakMap<object, { readonly delegate: object; readonly method: Method }>();

  constructor(
    /** The Prisma model name, `Item`. */
    readonly model: string,
    readonly operation: string,
  ) {
    this.delegateName = delegateNameOf(model);
  }

  /** Runs the operation with `args` on `client`'s delegate of the model (a lazy Prisma promise, typed as the promise it behaves as). */
  call(client: object, args: unknown): Promise<unknown> {
    let found = this.byClient.get(client);
    if (!found) {
      const delegate = modelDelegateOf(client, this.delegateName);
      const method = delegate?.[this.operation] as Method | undefined;
      if (!delegate || typeof method !== 'function') {
        throw new TypeError(
          `The client has no ${this.delegateName}.${this.operation}(): is it generated from the schema that declares model ${this.model}?`,
        );
      }
      found = { delegate, method };
      this.byClient.set(client, found);
    }
    return found.method.call(found.delegate, args) as Promise<unknown>;
  }
}
