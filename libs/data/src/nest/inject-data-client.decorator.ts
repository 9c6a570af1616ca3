import { Inject } from '@nestjs/common';
import { DATA_CLIENT, DATA_SOURCE } from './data.tokens.js';

/**
 * Injects the service's Prisma client given by `DataModule`:
 * `constructor(@InjectDataClient() private readonly db: PrismaClient) {}`.
 */
export const InjectDataClient = (): ParameterDecorator & PropertyDecorator => Inject(DATA_CLIENT);

/** Injects the `DataSource` (nodes and pools), for health checks, metrics and operators. */
export const InjectDataSource = (): ParameterDecorator & PropertyDecorator => Inject(DATA_SOURCE);
