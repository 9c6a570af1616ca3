import type { PrismaClient } from './generated/prisma/client.js';

/** The security service's Prisma client, as `DataModule` gives it (`@InjectDataClient()`). */
export type SecurityDb = PrismaClient;
