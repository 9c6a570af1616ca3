import type { PrismaClient } from './generated/prisma/client.js';

/** The oracle service's Prisma client, as `DataModule` gives it (`@InjectDataClient()`): reads routed to replicas. */
export type OracleDb = PrismaClient;
