import type { Credentials } from '@neo/topology';
import { retentionFromTopology, type RetentionSettings } from '@neo/data/partitioning';
import type { Topology } from '@neo/data';

export type { RetentionSettings } from '@neo/data/partitioning';

/** The partitioned tables of this service (created by its migration) and their time columns. */
export const INPUTS_TABLE = 'report_inputs';
export const INPUTS_TIME_COLUMN = 'occurred_at';
export const REPORTS_TABLE = 'generated_reports';
export const REPORTS_TIME_COLUMN = 'generated_at';

/** How each partitioned table is kept: one partition per period, some made ahead, old ones dropped. */
export interface ReportingRetention {
  /** `report_inputs`: the window a report can cover is the window these are kept in. */
  inputs: RetentionSettings;
  /** `generated_reports`: kept longer, so a report outlives the inputs it was computed from. */
  reports: RetentionSettings;
}

/** The topology's declared partitioning of both tables (the library's defaults where it declares none). */
export function retentionFromTopologyOf(topology: Topology, service = 'reporting'): ReportingRetention {
  return {
    inputs: retentionFromTopology(topology, service, INPUTS_TABLE),
    reports: retentionFromTopology(topology, service, REPORTS_TABLE),
  };
}

/** Injection token of the service's `ReportingRetention`. */
export const RETENTION_SETTINGS = Symbol('RETENTION_SETTINGS');
/** Injection token of the service's clock (`() => Date`), replaced in tests. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;

/** The login partition DDL runs as (`partitionLogin` from `@neo/data/partitioning`); undefined: the data source's own. */
export const PARTITION_LOGIN = Symbol('PARTITION_LOGIN');
export type PartitionLogin = Credentials | undefined;
