import type { ReportDefinition } from '../generated/prisma/client.js';
import { Prisma } from '../generated/prisma/client.js';
import type { ReportingDb } from '../reporting-db.js';
import type { Aggregate } from '../definitions/dto/create-definition.dto.js';
import type { ReportRow } from './dto/report.response.js';

/** The aggregates a definition may ask for, as SQL over the inputs' exact `value`. */
const AGGREGATE_SQL: Record<Aggregate, Prisma.Sql> = {
  sum: Prisma.sql`sum(value)`,
  avg: Prisma.sql`avg(value)`,
  count: Prisma.sql`count(*)::numeric`,
  min: Prisma.sql`min(value)`,
  max: Prisma.sql`max(value)`,
};

/**
 * A definition's rows over [from, to), computed by the database in one statement: the inputs of
 * its metric grouped by UTC hour or day (and dimension), oldest bucket first. Values come back as
 * exact decimal text without trailing zeros (`trim_scale`); at most `limit` rows are read.
 */
export async function queryReportRows(
  db: ReportingDb,
  definition: Pick<ReportDefinition, 'metric' | 'aggregate' | 'interval' | 'groupByDimension'>,
  window: { from: Date; to: Date },
  limit: number,
): Promise<ReportRow[]> {
  const aggregate = AGGREGATE_SQL[definition.aggregate as Aggregate];
  if (aggregate === undefined) throw new TypeError(`unknown aggregate ${definition.aggregate}`);
  const interval = definition.interval === 'day' ? 'day' : 'hour';
  const dimension = definition.groupByDimension ? Prisma.sql`dimension` : Prisma.sql`NULL::text`;
  const rows = await db.$queryRaw<Array<{ bucket: string; dimension: string | null; value: string }>>`
    SELECT to_char(date_trunc(${interval}::text, occurred_at, 'UTC') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS bucket,
           ${dimension} AS dimension,
           trim_scale(${aggregate})::text AS value
      FROM report_inputs
     WHERE metric = ${definition.metric}
       AND occurred_at >= ${window.from.toISOString()}::timestamptz
       AND occurred_at < ${window.to.toISOString()}::timestamptz
     GROUP BY 1, 2
     ORDER BY 1, 2 NULLS FIRST
     LIMIT ${limit}`;
  return rows.map((row) =>
    definition.groupByDimension
      ? { bucket: row.bucket, dimension: row.dimension, value: row.value }
      : { bucket: row.bucket, value: row.value },
  );
}
