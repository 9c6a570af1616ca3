import type { PrismaClient } from './generated/prisma/client.js';

/** The notification service's Prisma client, as `DataModule` gives it (`@InjectDataClient()`). */
export type NotificationDb = PrismaClient;
