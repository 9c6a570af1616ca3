import type { PrismaClient } from './generated/prisma/client.js';

/** The reporting service's Prisma client, as `DataModule` gives it (`@InjectDataClient()`). */
export type ReportingDb = PrismaClient;
