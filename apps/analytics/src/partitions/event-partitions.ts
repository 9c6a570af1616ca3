import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from '@neo/data';
import { InjectDataSource } from '@neo/data/nest';
import { TimePartitionKeeper } from '@neo/data/partitioning';
import { EventOutsideRetentionError } from '../events/event.errors.js';
import {
  CLOCK,
  EVENTS_TABLE,
  EVENTS_TIME_COLUMN,
  PARTITION_LOGIN,
  RETENTION_SETTINGS,
  type Clock,
  type PartitionLogin,
  type RetentionSettings,
} from './retention-settings.js';

/**
 * Keeps `events` partitioned in every place it lives (the library's `TimePartitionKeeper`, as
 * monitoring does for its samples): at start, every `maintenanceIntervalMs`, and for each batch
 * of events, whose instants must lie inside the kept window. The rollups are a plain table:
 * dropping a partition leaves them as they are.
 */
@Injectable()
export class EventPartitions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly keeper: TimePartitionKeeper;

  constructor(
    @InjectDataSource() source: DataSource,
    @Inject(RETENTION_SETTINGS) settings: RetentionSettings,
    @Inject(CLOCK) clock: Clock,
    @Inject(PARTITION_LOGIN) login: PartitionLogin,
  ) {
    const logger = new Logger(EventPartitions.name);
    this.keeper = new TimePartitionKeeper({
      nodes: source.nodes,
      login,
      table: EVENTS_TABLE,
      column: EVENTS_TIME_COLUMN,
      settings,
      clock,
      logger,
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.keeper.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.keeper.close();
  }

  /** In every place: creates the partitions ahead and drops the expired ones. A place that cannot be reached is tried next time. */
  async maintain(): Promise<void> {
    await this.keeper.run();
  }

  /** Refuses instants outside the kept window (naming the first such event), and makes the missing partitions of the others. */
  async ensurePartitions(instants: readonly Date[]): Promise<void> {
    await this.keeper.ensurePartitionsInWindow(
      instants,
      (index, at, window) => new EventOutsideRetentionError(`events[${index}].occurredAt`, at, window),
    );
  }
}
