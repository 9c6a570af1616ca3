import type { PrismaClient } from './generated/prisma/client.js';

/** The voting service's Prisma client, as `DataModule` gives it (`@InjectDataClient()`): proposals and votes. */
export type VotingDb = PrismaClient;
