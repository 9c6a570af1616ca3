import type { ShardedClient } from '@neo/data';
import type { PrismaClient } from './generated/prisma/client.js';

/**
 * The service's Prisma client as `DataModule` gives it (`@InjectDataClient()`): plain Prisma
 * calls routed to the shard of their `userId`, plus `$shard(key)` / `$shards()` of the sharded client.
 */
export type SmartContractsDb = ShardedClient<PrismaClient>;
