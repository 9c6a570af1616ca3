import type { PrismaClient } from './generated/prisma/client.js';

/** The automation service's Prisma client, as `DataModule` gives it (`@InjectDataClient()`). */
export type AutomationDb = PrismaClient;
