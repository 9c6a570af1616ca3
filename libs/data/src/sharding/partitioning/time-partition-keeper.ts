import type { Credentials, DataNode } from '@neo/topology';
import { isConnectionError } from '../../replication/connection-error.js';
import { createPartitionOnce } from './create-partition-once.js';
import { maintainTimePartitions, partitionNames, type PartitionMaintenance } from './maintain-time-partitions.js';
import { partitionNodes, type PartitionNodes } from './partition-login.js';
import { partitionPlaces, type PartitionPlace } from './partition-places.js';
import { keptWindow, type KeptWindow, type RetentionSettings } from './retention.js';
import type { SqlRunner } from './sql-runner.js';
import { createTimePartitionSql, partitionFor, type TimePartition } from './time-partitions.js';

/** What one run did in one place: the partitions it made and dropped, or why it could not. */
export type PlaceMaintenance = { database: string } & (PartitionMaintenance | { error: string });

export interface TimePartitionKeeperOptions {
  /** The data source's nodes: the table is kept on each primary, once per database and schema (`partitionPlaces`). */
  nodes: ReadonlyArray<{ node: DataNode; pool: SqlRunner }>;
  /** The login partition DDL runs as (`partitionLogin`); undefined: the nodes' own pools. */
  login: Credentials | undefined;
  /** The partitioned table (made by the service's migration) and its time column. */
  table: string;
  column: string;
  settings: RetentionSettings;
  clock: () => Date;
  logger: { log(message: string): void; warn(message: string): void; error(message: string): void };
}

/** A place of the table, with the partitions known to exist there (so a write does not issue DDL for them). */
interface KeptPlace extends PartitionPlace {
  known: Set<string>;
}

/**
 * Keeps a time-partitioned table in every place it lives: the service's own database and its
 * schema in the monolith (writes go to either, as the flags say, and a cutover copies rows
 * between them). `start()` runs the job, then every `maintenanceIntervalMs`: it creates the
 * partitions of the current and the next periods and drops those past the retention (native
 * declarative partitions). A write of an older period inside the retention gets its partition on
 * the spot (`ensurePartitions`). Partition DDL is plain SQL on each primary: Prisma has no notion
 * of partitions.
 */
export class TimePartitionKeeper {
  private readonly nodes: PartitionNodes;
  private readonly places: KeptPlace[];
  private timer: NodeJS.Timeout | undefined;
  /** One run at a time: the job, an operator and writes may ask together. */
  private running: Promise<PlaceMaintenance[]> | undefined;

  constructor(private readonly options: TimePartitionKeeperOptions) {
    this.nodes = partitionNodes(options.nodes, options.login);
    this.places = partitionPlaces(this.nodes.nodes, options.table).map((place) => ({ ...place, known: new Set<string>() }));
    if (this.places.length === 0) throw new TypeError(`no primary node keeps ${options.table}`);
  }

  /** The instants a row may carry now. */
  window(): KeptWindow {
    return keptWindow(this.options.clock(), this.options.settings);
  }

  /** Runs the job now, then every `maintenanceIntervalMs`; a place that cannot be reached is tried again by the next run. */
  async start(): Promise<void> {
    this.logFailures(await this.run());
    this.timer = setInterval(() => {
      this.run().then(
        (results) => this.logFailures(results),
        (error: unknown) =>
          this.options.logger.error(`partition maintenance failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, this.options.settings.maintenanceIntervalMs);
    // The job must not keep a stopping process alive.
    this.timer.unref();
  }

  /** Stops the job and ends the pools opened for the partition login. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.nodes.close();
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
   * Creates the missing partitions of `instants` in every place (check them against `window()`
   * first). A place that cannot be reached is left to the write itself, which fails there with the
   * data layer's 503 if it is the place being written.
   */
  async ensurePartitions(instants: readonly Date[]): Promise<void> {
    for (const place of this.places) {
      try {
        for (const partition of missingPartitions(place, this.options.settings.interval, instants)) {
          // Another instance, or the cutover's copy of the layout, may be making it at this moment.
          await createPartitionOnce(place.sql, createTimePartitionSql(place.table, partition));
          place.known.add(partition.name);
        }
      } catch (error) {
        if (!isConnectionError(error)) throw error;
      }
    }
  }

  /**
   * Refuses a batch with an instant outside `window()` (the error `refuse` makes for the first such
   * instant, by its index), then creates the missing partitions of the others in every place.
   */
  async ensurePartitionsInWindow(instants: readonly Date[], refuse: (index: number, at: Date, window: KeptWindow) => Error): Promise<void> {
    const window = this.window();
    const outside = instants.findIndex((at) => at < window.from || at >= window.to);
    if (outside >= 0) throw refuse(outside, instants[outside]!, window);
    await this.ensurePartitions(instants);
  }

  private async maintain(place: KeptPlace): Promise<PlaceMaintenance> {
    const { settings } = this.options;
    try {
      const spec = {
        table: place.table,
        column: this.options.column,
        interval: settings.interval,
        premake: settings.partitionsAhead,
        retentionDays: settings.retentionDays,
        engine: 'native' as const,
      };
      const result = await maintainTimePartitions(place.sql, spec, this.options.clock());
      place.known = new Set(await partitionNames(place.sql, place.table));
      if (result.created.length > 0 || result.dropped.length > 0) {
        this.options.logger.log(
          `${place.label}: partitions created: [${result.created.join(', ')}], dropped: [${result.dropped.join(', ')}]`,
        );
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
        this.options.logger.warn(`partition maintenance of ${result.database} postponed: the database cannot be reached (${result.error})`);
    }
  }
}

function missingPartitions(place: KeptPlace, interval: RetentionSettings['interval'], instants: readonly Date[]): TimePartition[] {
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
