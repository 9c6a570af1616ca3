import { Inject } from '@nestjs/common';
import { DATA_CACHE, DATA_CLIENT, DATA_METRICS, DATA_SOURCE } from './data.tokens.js';

/**
 * Injects the service's Prisma client given by `DataModule`:
 * `constructor(@InjectDataClient() private readonly db: PrismaClient) {}`.
 */
export const InjectDataClient = (): ParameterDecorator & PropertyDecorator => Inject(DATA_CLIENT);

/** Injects the `DataSource` (nodes and pools), for health checks, metrics and operators. */
export const InjectDataSource = (): ParameterDecorator & PropertyDecorator => Inject(DATA_SOURCE);

/** Injects the service's read-through `Cache` (a `NoCache` when the topology declares none). */
export const InjectDataCache = (): ParameterDecorator & PropertyDecorator => Inject(DATA_CACHE);

/** Injects the service's `DataMetrics` (its registry takes further service metrics too). */
export const InjectDataMetrics = (): ParameterDecorator & PropertyDecorator => Inject(DATA_METRICS);
