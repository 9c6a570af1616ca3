import type { PrismaClient } from './generated/prisma/client.js';

/** The monitoring service's Prisma client, as `DataModule` gives it (`@InjectDataClient()`). */
export type MonitoringDb = PrismaClient;
