import { Injectable } from '@nestjs/common';
import { InjectDataClient } from '@neo/data/nest';
import type { AnalyticsDb } from '../analytics-db.js';
import { EventPartitions } from '../partitions/event-partitions.js';
import type { EventDto } from './dto/record-events.dto.js';
import type { RollupBucket } from './dto/rollups.query.js';
import { InvalidRollupQueryError } from './event.errors.js';

/** Longest range one rollup query may span, per bucket width: at most ~750 buckets come back. */
const MAX_RANGE_DAYS: Record<RollupBucket, number> = { hour: 31, day: 750 };

export interface RollupResponse {
  start: string;
  count: number;
  valueSum: number | null;
  valueMin: number | null;
  valueMax: number | null;
}

/** Events in, rollups out. */
@Injectable()
export class EventsService {
  constructor(
    @InjectDataClient() private readonly db: AnalyticsDb,
    private readonly partitions: EventPartitions,
  ) {}

  /**
   * Records a batch and adds it to its hourly and daily rollups, in one statement: the events
   * actually inserted (a repeat of an id at the same instant is skipped) are counted into their
   * buckets by an upsert that adds to what is there. Concurrent batches add up correctly, and a
   * batch sent twice counts once.
   */
  async record(events: readonly EventDto[]): Promise<{ written: number }> {
    await this.partitions.ensurePartitions(events.map((event) => event.occurredAt));
    const [row] = await this.db.$queryRaw<[{ written: number }]>`
      WITH batch AS (
        SELECT * FROM unnest(
          ${events.map((event) => event.id)}::uuid[],
          ${events.map((event) => event.name)}::text[],
          ${events.map((event) => event.userId ?? null)}::text[],
          ${events.map((event) => event.value ?? null)}::float8[],
          ${events.map((event) => (event.properties === undefined ? null : JSON.stringify(event.properties)))}::jsonb[],
          ${events.map((event) => event.occurredAt.toISOString())}::timestamptz[]
        ) AS b(id, name, user_id, value, properties, occurred_at)
      ), inserted AS (
        INSERT INTO events (id, name, user_id, value, properties, occurred_at)
        SELECT id, name, user_id, value, properties, occurred_at FROM batch
        ON CONFLICT DO NOTHING
        RETURNING name, value, occurred_at
      ), buckets AS (
        SELECT name, 'hour' AS bucket, date_trunc('hour', occurred_at, 'UTC') AS start, value FROM inserted
        UNION ALL
        SELECT name, 'day', date_trunc('day', occurred_at, 'UTC'), value FROM inserted
      ), rolled AS (
        INSERT INTO event_rollups (name, bucket, start, count, value_sum, value_min, value_max)
        SELECT name, bucket, start, count(*), sum(value), min(value), max(value) FROM buckets GROUP BY name, bucket, start
        ON CONFLICT (name, bucket, start) DO UPDATE SET
          count = event_rollups.count + excluded.count,
          value_sum = CASE WHEN excluded.value_sum IS NULL THEN event_rollups.value_sum
                           ELSE coalesce(event_rollups.value_sum, 0) + excluded.value_sum END,
          -- least/greatest skip nulls
          value_min = least(event_rollups.value_min, excluded.value_min),
          value_max = greatest(event_rollups.value_max, excluded.value_max)
      )
      SELECT count(*)::int AS written FROM inserted`;
    return { written: row.written };
  }

  /** One event name's rollups of one width whose bucket starts in [from, to), oldest first; empty buckets are left out. */
  async rollups(query: { name: string; bucket: RollupBucket; from: Date; to: Date }): Promise<RollupResponse[]> {
    if (query.to.getTime() <= query.from.getTime()) throw new InvalidRollupQueryError('to must be after from');
    if (query.to.getTime() - query.from.getTime() > MAX_RANGE_DAYS[query.bucket] * 86_400_000) {
      throw new InvalidRollupQueryError(
        `a range of ${query.bucket} buckets may span at most ${MAX_RANGE_DAYS[query.bucket]} days; ask for less`,
      );
    }
    const rows = await this.db.eventRollup.findMany({
      where: { name: query.name, bucket: query.bucket, start: { gte: query.from, lt: query.to } },
      orderBy: { start: 'asc' },
    });
    return rows.map((row) => ({
      start: row.start.toISOString(),
      count: row.count,
      valueSum: row.valueSum,
      valueMin: row.valueMin,
      valueMax: row.valueMax,
    }));
  }
}
