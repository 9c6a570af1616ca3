import type { Credentials } from '@neo/topology';

/** The login partition DDL runs as (`partitionLogin` from `@neo/data/partitioning`); undefined: the data source's own. */
export const PARTITION_LOGIN = Symbol('PARTITION_LOGIN');

export type PartitionLogin = Credentials | undefined;
