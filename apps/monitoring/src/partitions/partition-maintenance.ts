import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from '@neo/data';
import { InjectDataSource } from '@neo/data/nest';
import { TimePartitionKeeper, type PlaceMaintenance } from '@neo/data/partitioning';
import { SampleOutsideRetentionError } from '../samples/samples.errors.js';
import { PARTITION_LOGIN, type PartitionLogin } from './partition-login.js';
import { CLOCK, RETENTION_SETTINGS, type Clock, type RetentionSettings } from './retention-settings.js';

export type { PlaceMaintenance };

/** The partitioned table of this service (created by its migration) and its time column. */
export const SAMPLES_TABLE = 'metric_samples';
export const SAMPLES_TIME_COLUMN = 'recorded_at';

/**
 * Keeps `metric_samples` partitioned in every place it lives (the library's `TimePartitionKeeper`):
 * at start, every `maintenanceIntervalMs`, on `POST /maintenance/partitions`, and for each batch
 * of samples, whose instants must lie inside the kept window.
 */
@Injectable()
export class PartitionMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly keeper: TimePartitionKeeper;

  constructor(
    @InjectDataSource() source: DataSource,
    @Inject(RETENTION_SETTINGS) settings: RetentionSettings,
    @Inject(CLOCK) clock: Clock,
    @Inject(PARTITION_LOGIN) login: PartitionLogin,
  ) {
    const logger = new Logger('PartitionMaintenance');
    this.keeper = new TimePartitionKeeper({
      nodes: source.nodes,
      login,
      table: SAMPLES_TABLE,
      column: SAMPLES_TIME_COLUMN,
      settings,
      clock,
      logger,
    });
  }

  onApplicationBootstrap(): Promise<void> {
    // A place that cannot be reached now is tried again by the job; the service starts regardless.
    return this.keeper.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.keeper.close();
  }

  /** In every place: creates the partitions ahead and drops the expired ones; returns what it changed where. */
  run(): Promise<PlaceMaintenance[]> {
    return this.keeper.run();
  }

  /**
   * Refuses instants outside the kept window (`SampleOutsideRetentionError`, naming the first such
   * sample), and creates the missing partitions of the others in every place.
   */
  async ensurePartitions(instants: readonly Date[]): Promise<void> {
    await this.keeper.ensurePartitionsInWindow(
      instants,
      (index, at, window) => new SampleOutsideRetentionError(`samples[${index}].at`, at, window),
    );
  }
}
