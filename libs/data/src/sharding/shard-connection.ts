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
