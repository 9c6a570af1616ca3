import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import { PartitionMaintenance } from '../partitions/partition-maintenance.js';
import type { MonitoringDb } from '../monitoring-db.js';
import { parseBucketWidth } from './bucket-width.js';
import { InvalidSeriesQueryError } from './samples.errors.js';

export interface Sample {
  series: string;
  at: Date;
  value: number;
}

export interface TimeWindow {
  from: Date;
  to: Date;
}

export interface Bucket {
  start: Date;
  avg: number;
  min: number;
  max: number;
  count: number;
}

/** A downsampling answer may not hold more buckets than this. */
export const MAX_BUCKETS = 10_000;
/** Buckets start at multiples of their width counted from the Unix epoch, so answers line up across windows. */
const BUCKET_ORIGIN = new Date(0);

@Injectable()
export class SamplesService {
  constructor(
    @InjectDataClient() private readonly db: MonitoringDb,
    private readonly partitions: PartitionMaintenance,
  ) {}

  /**
   * Writes a batch. A series has one value per millisecond: a sample written again is skipped,
   * so a retried batch changes nothing. Returns how many samples were new.
   */
  async write(samples: readonly Sample[]): Promise<number> {
    await this.partitions.ensurePartitions(samples.map((sample) => sample.at));
    const { count } = await this.db.metricSample.createMany({
      data: samples.map((sample) => ({ series: sample.series, recordedAt: sample.at, value: sample.value })),
      skipDuplicates: true,
    });
    return count;
  }

  /** A series' samples in `[from, to)`, oldest first (only the partitions of the window are read). */
  async series(series: string, window: TimeWindow, limit: number): Promise<Sample[]> {
    assertWindow(window);
    const rows = await this.db.metricSample.findMany({
      where: { series, recordedAt: { gte: window.from, lt: window.to } },
      orderBy: { recordedAt: 'asc' },
      take: limit,
    });
    return rows.map((row) => ({ series: row.series, at: row.recordedAt, value: row.value }));
  }

  /** Average, minimum, maximum and count of a series per bucket of `bucket` width in `[from, to)`; empty buckets are left out. */
  async downsample(series: string, window: TimeWindow, bucket: string): Promise<Bucket[]> {
    assertWindow(window);
    const width = parseBucketWidth(bucket);
    const buckets = Math.ceil((window.to.getTime() - window.from.getTime()) / (width.seconds * 1000));
    if (buckets > MAX_BUCKETS) {
      throw new InvalidSeriesQueryError(
        `the window holds ${buckets} buckets of ${bucket}; at most ${MAX_BUCKETS}: widen the bucket or narrow the window`,
      );
    }
    // Every value is a bound parameter; only the table and column names are written in.
    const rows = await this.db.$queryRaw<Array<{ start: Date; avg: number; min: number; max: number; count: number }>>`
      SELECT date_bin(${width.interval}::interval, recorded_at, ${BUCKET_ORIGIN}::timestamptz) AS start,
             avg(value) AS avg, min(value) AS min, max(value) AS max, count(*)::int AS count
        FROM metric_samples
       WHERE series = ${series} AND recorded_at >= ${window.from} AND recorded_at < ${window.to}
       GROUP BY 1
       ORDER BY 1`;
    return rows.map((row) => ({
      start: new Date(row.start),
      avg: Number(row.avg),
      min: Number(row.min),
      max: Number(row.max),
      count: Number(row.count),
    }));
  }
}

function assertWindow(window: TimeWindow): void {
  if (!(window.from < window.to)) {
    throw new InvalidSeriesQueryError(`from (${window.from.toISOString()}) must be before to (${window.to.toISOString()})`);
  }
}
