import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from '@neo/data';
import { InjectDataSource } from '@neo/data/nest';
import { TimePartitionKeeper, type KeptWindow, type PlaceMaintenance } from '@neo/data/partitioning';
import { InputOutsideRetentionError } from '../inputs/input.errors.js';
import {
  CLOCK,
  INPUTS_TABLE,
  INPUTS_TIME_COLUMN,
  PARTITION_LOGIN,
  REPORTS_TABLE,
  REPORTS_TIME_COLUMN,
  RETENTION_SETTINGS,
  type Clock,
  type PartitionLogin,
  type ReportingRetention,
} from './retention-settings.js';

/** What one maintenance run did, per table and place. */
export interface ReportingMaintenance {
  inputs: PlaceMaintenance[];
  reports: PlaceMaintenance[];
}

/**
 * Keeps `report_inputs` (daily) and `generated_reports` (monthly) partitioned in every place they
 * live, the service's own database and its schema in the monolith (the library's
 * `TimePartitionKeeper`, as analytics and monitoring do): at start, every `maintenanceIntervalMs`,
 * and before each write, whose instants must lie inside the kept window.
 */
@Injectable()
export class ReportPartitions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly inputs: TimePartitionKeeper;
  private readonly reports: TimePartitionKeeper;

  constructor(
    @InjectDataSource() source: DataSource,
    @Inject(RETENTION_SETTINGS) retention: ReportingRetention,
    @Inject(CLOCK) clock: Clock,
    @Inject(PARTITION_LOGIN) login: PartitionLogin,
  ) {
    const logger = new Logger(ReportPartitions.name);
    const keeper = (table: string, column: string, settings: ReportingRetention['inputs']) =>
      new TimePartitionKeeper({ nodes: source.nodes, login, table, column, settings, clock, logger });
    this.inputs = keeper(INPUTS_TABLE, INPUTS_TIME_COLUMN, retention.inputs);
    this.reports = keeper(REPORTS_TABLE, REPORTS_TIME_COLUMN, retention.reports);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.inputs.start();
    await this.reports.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.inputs.close(), this.reports.close()]);
  }

  /** In every place: creates the partitions ahead and drops the expired ones of both tables. */
  async maintain(): Promise<ReportingMaintenance> {
    return { inputs: await this.inputs.run(), reports: await this.reports.run() };
  }

  /** The instants an input may carry now, and so the window a report may cover. */
  inputsWindow(): KeptWindow {
    return this.inputs.window();
  }

  /** Refuses instants outside the kept window (naming the first such input), and makes the missing partitions of the others. */
  async ensureInputPartitions(instants: readonly Date[]): Promise<void> {
    await this.inputs.ensurePartitionsInWindow(
      instants,
      (index, at, window) => new InputOutsideRetentionError(`inputs[${index}].occurredAt`, at, window),
    );
  }

  /** Makes the partition a report generated at `at` goes to, if the job has not made it yet. */
  ensureReportPartition(at: Date): Promise<void> {
    return this.reports.ensurePartitions([at]);
  }
}
