import type { Topology } from '@neo/topology';
import { addPeriods, periodStart, type PartitionInterval } from './time-partitions.js';

/** How a service keeps a time-partitioned table: one partition per period, some made ahead, old ones dropped. */
export interface RetentionSettings {
  /** A partition whose whole period is older than this is dropped. */
  retentionDays: number;
  /** One partition per UTC day or month. */
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

/** The topology's declared partitioning of `table` (`services.<service>.partitioning`), or the defaults when it declares none. */
export function retentionFromTopology(topology: Topology, service: string, table: string): RetentionSettings {
  const declared = topology.services[service]?.partitioning.find((p) => p.table === table);
  if (!declared) return DEFAULT_RETENTION;
  return {
    ...DEFAULT_RETENTION,
    retentionDays: declared.retentionDays,
    interval: declared.interval,
    partitionsAhead: declared.partitionsAhead,
  };
}

/**
 * The instants a row may carry now: not older than the retention (its partition would be
 * dropped, or already is), and not past the last period the maintenance job makes ahead.
 */
export interface KeptWindow {
  /** Included. */
  from: Date;
  /** Excluded: the end of the last period made ahead. */
  to: Date;
}

export function keptWindow(now: Date, settings: Pick<RetentionSettings, 'retentionDays' | 'interval' | 'partitionsAhead'>): KeptWindow {
  return {
    from: new Date(now.getTime() - settings.retentionDays * 86_400_000),
    to: addPeriods(periodStart(now, settings.interval), settings.interval, settings.partitionsAhead + 1),
  };
}
