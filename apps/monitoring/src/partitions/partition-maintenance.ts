import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  createTimePartitionSql,
  maintainTimePartitions,
  partitionFor,
  partitionNames,
  type PartitionMaintenance as MaintenanceResult,
  type SqlRunner,
  type TimePartitioning,
} from '@neo/data/partitioning';
import { InjectDataSource } from '@neo/data/nest';
import type { DataSource } from '@neo/data';
import { SampleOutsideRetentionError } from '../samples/samples.errors.js';
import { CLOCK, RETENTION_SETTINGS, type Clock, type RetentionSettings } from './retention-settings.js';
import { sampleWindow } from './sample-window.js';

/** The partitioned table of this service (created by its migration) and its time column. */
export const SAMPLES_TABLE = 'metric_samples';
export const SAMPLES_TIME_COLUMN = 'recorded_at';

/**
 * Keeps `metric_samples` partitioned: at start, every `maintenanceIntervalMs`, and on demand,
 * it creates the partitions of the current and the next periods and drops those past the
 * retention (`maintainTimePartitions`, native declarative partitions). Writes of older periods
 * still inside the retention get their partition on the spot (`ensurePartitions`).
 *
 * Partition DDL runs on the primary's pool as plain SQL: Prisma has no notion of partitions.
 */
@Injectable()
export class PartitionMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PartitionMaintenance');
  private readonly spec: TimePartitioning;
  private readonly sql: SqlRunner;
  private timer: NodeJS.Timeout | undefined;
  /** One run at a time: the job, the endpoint and writes may ask together. */
  private running: Promise<MaintenanceResult> | undefined;
  /** Partitions known to exist, so a write does not issue DDL for them. */
  private known = new Set<string>();

  constructor(
    @InjectDataSource() source: DataSource,
    @Inject(RETENTION_SETTINGS) private readonly settings: RetentionSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    const primary = source.nodes.find(({ node }) => node.role === 'primary');
    if (!primary) throw new TypeError(`the data source of ${source.service} has no primary node`);
    this.sql = primary.pool;
    this.spec = {
      // Inside the monolith the table lives in the service's schema.
      table: primary.node.schema === undefined ? SAMPLES_TABLE : `${primary.node.schema}.${SAMPLES_TABLE}`,
      column: SAMPLES_TIME_COLUMN,
      interval: settings.interval,
      premake: settings.partitionsAhead,
      retentionDays: settings.retentionDays,
      engine: 'native',
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.run();
    this.timer = setInterval(() => {
      this.run().catch((error: unknown) =>
        this.logger.error(`partition maintenance failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, this.settings.maintenanceIntervalMs);
    // The job must not keep a stopping process alive.
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Creates the partitions ahead and drops the expired ones; returns what it changed. */
  run(): Promise<MaintenanceResult> {
    this.running ??= (async () => {
      try {
        const result = await maintainTimePartitions(this.sql, this.spec, this.clock());
        this.known = new Set(await partitionNames(this.sql, this.spec.table));
        if (result.created.length > 0 || result.dropped.length > 0) {
          this.logger.log(`partitions created: [${result.created.join(', ')}], dropped: [${result.dropped.join(', ')}]`);
        }
        return result;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /**
   * Makes sure every instant has a partition to land in: refuses instants outside the sample
   * window (`SampleOutsideRetentionError`), creates the missing partitions of the others.
   */
  async ensurePartitions(instants: readonly Date[]): Promise<void> {
    const window = sampleWindow(this.clock(), this.settings);
    const outside = instants.find((at) => at < window.from || at >= window.to);
    if (outside) throw new SampleOutsideRetentionError(outside, window);
    const missing = new Map<string, ReturnType<typeof partitionFor>>();
    for (const at of instants) {
      const partition = partitionFor(this.spec.table, this.spec.interval, at);
      if (!this.known.has(partition.name)) missing.set(partition.name, partition);
    }
    for (const partition of missing.values()) {
      await this.sql.query(createTimePartitionSql(this.spec.table, partition));
      this.known.add(partition.name);
    }
  }
}
