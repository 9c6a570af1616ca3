import type { ShardedClient } from '@neo/data';
import type { PrismaClient } from './generated/prisma/client.js';

/**
 * The storage service's Prisma client as `DataModule` gives it (`@InjectDataClient()`): plain
 * Prisma calls routed to the date-ranged shard of their `createdDate`, plus `$shard(key)` /
 * `$shards()` of the sharded client.
 */
export type StorageDb = ShardedClient<PrismaClient>;
