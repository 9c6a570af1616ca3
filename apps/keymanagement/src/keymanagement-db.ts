import type { PrismaClient } from './generated/prisma/client.js';

/** The keymanagement service's Prisma client, as `DataModule` gives it (`@InjectDataClient()`). */
export type KeymanagementDb = PrismaClient;
