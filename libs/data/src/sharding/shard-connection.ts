/**
 * One shard as the router sees it: a name from the topology and a Prisma client for
 * its database. The client may be a plain PrismaClient or a replica-set client (reads
 * to replicas, writes to the primary): the router only calls model delegates,
 * `$transaction`, `$extends`, `$connect` and `$disconnect` on it.
 */
export interface ShardConnection<Client extends PrismaClientLike = PrismaClientLike> {
  readonly name: string;
  readonly client: Client;
}

/** The part of a Prisma client the router relies on. */
export interface PrismaClientLike {
  $transaction(...args: never[]): Promise<unknown>;
  $extends(...args: never[]): unknown;
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
}

/** Prisma names a model's delegate after the model with a lower-case first letter (`TransactionEvent` → `transactionEvent`). */
export function delegateName(model: string): string {
  return model.charAt(0).toLowerCase() + model.slice(1);
}

/** Calls `operation` on a model's delegate of a client. */
export function callDelegate(client: PrismaClientLike, model: string, operation: string, args: unknown): Promise<unknown> {
  const delegate = (client as unknown as Record<string, Record<string, (args: unknown) => Promise<unknown>> | undefined>)[
    delegateName(model)
  ];
  const method = delegate?.[operation];
  if (typeof method !== 'function')
    throw new TypeError(`The shard's client has no ${delegateName(model)}.${operation}(): is it generated from the same schema?`);
  return method.call(delegate, args);
}
