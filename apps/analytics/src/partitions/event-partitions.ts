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
  type PartitionPlace,
} from '@neo/data/partitioning';
import { EventOutsideRetentionError } from '../events/event.errors.js';
import { eventWindow } from './event-window.js';
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

/** A place of the table, with the partitions known to exist there (so a write does not issue DDL for them). */
interface KeptPlace extends PartitionPlace {
  known: Set<string>;
}

/**
 * Keeps `events` partitioned in every place it lives, as the monitoring service does for its
 * samples: the service's own database and its schema in the monolith. At start and every
 * `maintenanceIntervalMs` it makes the partitions of the current and next periods and drops
 * those past the retention; a write of an older period inside the retention gets its partition
 * on the spot. The rollups are a plain table: dropping a partition leaves them as they are.
 */
@Injectable()
export class EventPartitions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventPartitions.name);
  private readonly places: KeptPlace[];
  private timer: NodeJS.Timeout | undefined;
  /** The primaries as the partition login; its pools are ended at shutdown. */
  private readonly partitionNodes: PartitionNodes;

  constructor(
    @InjectDataSource() source: DataSource,
    @Inject(RETENTION_SETTINGS) private readonly settings: RetentionSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PARTITION_LOGIN) login: PartitionLogin,
  ) {
    // Partition DDL runs as the service's owner role: its app role may not run DDL.
    this.partitionNodes = partitionNodes(source.nodes, login);
    this.places = partitionPlaces(this.partitionNodes.nodes, EVENTS_TABLE).map((place) => ({ ...place, known: new Set<string>() }));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.maintain();
    this.timer = setInterval(() => void this.maintain(), this.settings.maintenanceIntervalMs);
    // The job must not keep a stopping process alive.
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.partitionNodes.close();
  }

  /** In every place: creates the partitions ahead and drops the expired ones. A place that cannot be reached is tried next time. */
  async maintain(): Promise<void> {
    for (const place of this.places) {
      try {
        const spec = {
          table: place.table,
          column: EVENTS_TIME_COLUMN,
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
      } catch (error) {
        if (!isConnectionError(error)) throw error;
        this.logger.warn(`partition maintenance of ${place.label} postponed: the database cannot be reached`);
      }
    }
  }

  /** Refuses instants outside the kept window (naming the first such event), and makes the missing partitions of the others. */
  async ensurePartitions(instants: readonly Date[]): Promise<void> {
    const window = eventWindow(this.clock(), this.settings);
    const outside = instants.findIndex((at) => at < window.from || at >= window.to);
    if (outside >= 0) throw new EventOutsideRetentionError(`events[${outside}].occurredAt`, instants[outside]!, window);
    for (const place of this.places) {
      const missing = new Map(
        instants
          .map((at) => partitionFor(place.table, this.settings.interval, at))
          .filter((partition) => !place.known.has(partition.name))
          .map((p) => [p.name, p]),
      );
      try {
        for (const partition of missing.values()) {
          await place.sql.query(createTimePartitionSql(place.table, partition));
          place.known.add(partition.name);
        }
      } catch (error) {
        // The place being written fails the write itself with the data layer's 503; another place is made next time.
        if (!isConnectionError(error)) throw error;
      }
    }
  }
}
