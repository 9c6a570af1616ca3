import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { isConnectionError, type DataSource } from '@neo/data';
import { InjectDataSource } from '@neo/data/nest';
import {
  createTimePartitionSql,
  maintainTimePartitions,
  partitionFor,
  partitionNames,
  partitionNodes,
  partitionPlaces,
  type PartitionNodes,
  type PartitionInterval,
  type PartitionMaintenance as MaintenanceResult,
  type PartitionPlace,
  type TimePartition,
} from '@neo/data/partitioning';
import { SampleOutsideRetentionError } from '../samples/samples.errors.js';
import { PARTITION_LOGIN, type PartitionLogin } from './partition-login.js';
import { CLOCK, RETENTION_SETTINGS, type Clock, type RetentionSettings } from './retention-settings.js';
import { sampleWindow } from './sample-window.js';

/** The partitioned table of this service (created by its migration) and its time column. */
export const SAMPLES_TABLE = 'metric_samples';
export const SAMPLES_TIME_COLUMN = 'recorded_at';

/** What one run did in one place: the partitions it made and dropped, or why it could not. */
export type PlaceMaintenance = { database: string } & (MaintenanceResult | { error: string });

/** A place of the table, with the partitions known to exist there (so a write does not issue DDL for them). */
interface KeptPlace extends PartitionPlace {
  known: Set<string>;
}

/**
 * Keeps `metric_samples` partitioned in every place it lives: the service's own database and its
 * schema in the monolith (writes go to either, as the `UseShardedDatabase.monitoring.*` flags say,
 * and a cutover copies rows between them). At start, every `maintenanceIntervalMs`, and on demand,
 * it creates the partitions of the current and the next periods and drops those past the retention
 * (`maintainTimePartitions`, native declarative partitions). Writes of older periods still inside
 * the retention get their partition on the spot (`ensurePartitions`).
 *
 * Partition DDL runs on each primary's pool as plain SQL: Prisma has no notion of partitions.
 */
@Injectable()
export class PartitionMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PartitionMaintenance');
  private readonly places: KeptPlace[];
  private timer: NodeJS.Timeout | undefined;
  /** One run at a time: the job, the endpoint and writes may ask together. */
  private running: Promise<PlaceMaintenance[]> | undefined;

  /** The primaries as the partition login; its pools are ended at shutdown (the data module ends its own). */
  private readonly partitionNodes: PartitionNodes;

  constructor(
    @InjectDataSource() source: DataSource,
    @Inject(RETENTION_SETTINGS) private readonly settings: RetentionSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PARTITION_LOGIN) login: PartitionLogin,
  ) {
    this.partitionNodes = partitionNodes(source.nodes, login);
    this.places = partitionPlaces(this.partitionNodes.nodes, SAMPLES_TABLE).map((place) => ({ ...place, known: new Set<string>() }));
    if (this.places.length === 0) throw new TypeError(`the data source of ${source.service} has no primary node`);
  }

  async onApplicationBootstrap(): Promise<void> {
    // A place that cannot be reached now is tried again by the job; the service starts regardless.
    this.logFailures(await this.run());
    this.timer = setInterval(() => {
      this.run().then(
        (results) => this.logFailures(results),
        (error: unknown) => this.logger.error(`partition maintenance failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, this.settings.maintenanceIntervalMs);
    // The job must not keep a stopping process alive.
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.partitionNodes.close();
  }

  /** In every place: creates the partitions ahead and drops the expired ones; returns what it changed where. */
  run(): Promise<PlaceMaintenance[]> {
    this.running ??= (async () => {
      try {
        const results: PlaceMaintenance[] = [];
        for (const place of this.places) results.push(await this.maintain(place));
        return results;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /**
   * Makes sure every instant has a partition to land in, in every place: refuses instants outside
   * the sample window (`SampleOutsideRetentionError`, naming the first such sample), creates the
   * missing partitions of the others. A place that cannot be reached is left to the write itself,
   * which fails there with the data layer's 503 if it is the place being written.
   */
  async ensurePartitions(instants: readonly Date[]): Promise<void> {
    const window = sampleWindow(this.clock(), this.settings);
    const outside = instants.findIndex((at) => at < window.from || at >= window.to);
    if (outside >= 0) throw new SampleOutsideRetentionError(`samples[${outside}].at`, instants[outside]!, window);
    for (const place of this.places) {
      try {
        for (const partition of missingPartitions(place, this.settings.interval, instants)) {
          await place.sql.query(createTimePartitionSql(place.table, partition));
          place.known.add(partition.name);
        }
      } catch (error) {
        if (!isConnectionError(error)) throw error;
      }
    }
  }

  private async maintain(place: KeptPlace): Promise<PlaceMaintenance> {
    try {
      const spec = {
        table: place.table,
        column: SAMPLES_TIME_COLUMN,
        interval: this.settings.interval,
        premake: this.settings.partitionsAhead,
        retentionDays: this.settings.retentionDays,
        engine: 'native' as const,
      };
      const result = await maintainTimePartitions(place.sql, spec, this.clock());
      place.known = new Set(await partitionNames(place.sql, place.table));
      if (result.created.length > 0 || result.dropped.length > 0) {
        this.logger.log(`${place.label}: partitions created: [${result.created.join(', ')}], dropped: [${result.dropped.join(', ')}]`);
      }
      return { database: place.label, ...result };
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      return { database: place.label, error: failureCode(error) };
    }
  }

  private logFailures(results: readonly PlaceMaintenance[]): void {
    for (const result of results) {
      if ('error' in result)
        this.logger.warn(`partition maintenance of ${result.database} postponed: the database cannot be reached (${result.error})`);
    }
  }
}

function missingPartitions(place: KeptPlace, interval: PartitionInterval, instants: readonly Date[]): TimePartition[] {
  const missing = new Map<string, TimePartition>();
  for (const at of instants) {
    const partition = partitionFor(place.table, interval, at);
    if (!place.known.has(partition.name)) missing.set(partition.name, partition);
  }
  return [...missing.values()];
}

/** A short code for a connection failure (never the driver's message, which can name hosts). */
function failureCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'unreachable';
}
