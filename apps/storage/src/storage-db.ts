import type { PrismaClient } from './generated/prisma/client.js';

/** The storage service's Prisma client, as `DataModule` gives it (`@InjectDataClient()`). */
export type StorageDb = PrismaClient;
