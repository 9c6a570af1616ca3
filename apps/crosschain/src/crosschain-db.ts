import type { PrismaClient } from './generated/prisma/client.js';

/** The crosschain service's Prisma client, as `DataModule` gives it (`@InjectDataClient()`). */
export type CrosschainDb = PrismaClient;
