import type { PrismaClient } from './generated/prisma/client.js';

/** The analytics service's Prisma client, as `DataModule` gives it (`@InjectDataClient()`). */
export type AnalyticsDb = PrismaClient;
