import type { Credentials } from '@neo/topology';
import { retentionFromTopology as declaredRetention, type RetentionSettings } from '@neo/data/partitioning';
import type { Topology } from '@neo/data';

export { DEFAULT_RETENTION, type RetentionSettings } from '@neo/data/partitioning';

/** The partitioned table of this service (created by its migration) and its time column. */
export const EVENTS_TABLE = 'events';
export const EVENTS_TIME_COLUMN = 'occurred_at';

/** The topology's declared partitioning of `events`, or the defaults when it declares none. */
export function retentionFromTopology(topology: Topology, service = 'analytics'): RetentionSettings {
  return declaredRetention(topology, service, EVENTS_TABLE);
}

/** Injection token of the service's `RetentionSettings`. */
export const RETENTION_SETTINGS = Symbol('RETENTION_SETTINGS');
/** Injection token of the service's clock (`() => Date`), replaced in tests. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;

/** The login partition DDL runs as (`partitionLogin` from `@neo/data/partitioning`); undefined: the data source's own. */
export const PARTITION_LOGIN = Symbol('PARTITION_LOGIN');
export type PartitionLogin = Credentials | undefined;
