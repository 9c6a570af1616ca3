import type { Credentials } from '@neo/topology';
import type { PartitionInterval } from '@neo/data/partitioning';
import type { Topology } from '@neo/data';

/** The partitioned table of this service (created by its migration) and its time column. */
export const EVENTS_TABLE = 'events';
export const EVENTS_TIME_COLUMN = 'occurred_at';

/** How the service keeps `events`: one partition per period, some made ahead, old ones dropped. */
export interface RetentionSettings {
  /** A partition whose whole period is older than this is dropped (its rollups stay). */
  retentionDays: number;
  interval: PartitionInterval;
  /** Periods created ahead of the current one. */
  partitionsAhead: number;
  /** How often the maintenance job runs (it also runs at start). */
  maintenanceIntervalMs: number;
}

export const DEFAULT_RETENTION: RetentionSettings = {
  retentionDays: 30,
  interval: 'day',
  partitionsAhead: 3,
  maintenanceIntervalMs: 60 * 60 * 1000,
};

/** The topology's declared partitioning of `events`, or the defaults when it declares none. */
export function retentionFromTopology(topology: Topology, service = 'analytics'): RetentionSettings {
  const declared = topology.services[service]?.partitioning.find((p) => p.table === EVENTS_TABLE);
  if (!declared) return DEFAULT_RETENTION;
  return {
    ...DEFAULT_RETENTION,
    retentionDays: declared.retentionDays,
    interval: declared.interval,
    partitionsAhead: declared.partitionsAhead,
  };
}

/** Injection token of the service's `RetentionSettings`. */
export const RETENTION_SETTINGS = Symbol('RETENTION_SETTINGS');
/** Injection token of the service's clock (`() => Date`), replaced in tests. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;

/** The login partition DDL runs as (`partitionLogin` from `@neo/data/partitioning`); undefined: the data source's own. */
export const PARTITION_LOGIN = Symbol('PARTITION_LOGIN');
export type PartitionLogin = Credentials | undefined;
