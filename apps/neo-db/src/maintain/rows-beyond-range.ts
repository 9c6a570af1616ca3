import type pg from 'pg';
import type { PrismaModel } from '@neo/data/cutover';

/** Rows of one sharded table that lie at or after a shard's new end: routing would no longer find them. */
export interface RowsBeyondRange {
  model: string;
  table: string;
  count: number;
  earliest: Date;
  latest: Date;
}

/**
 * Counts, in one shard database, the rows of each sharded model whose key is at or after `end`
 * (the January 1 at which the shard stops being open-ended). Tables that do not exist yet count
 * as empty.
 */
export async function rowsBeyondRange(
  client: pg.Client,
  models: readonly PrismaModel[],
  key: string,
  end: string,
): Promise<RowsBeyondRange[]> {
  const found: RowsBeyondRange[] = [];
  for (const model of models) {
    const column = model.columns[key];
    if (!column) throw new Error(`Model ${model.name} has no field "${key}" (the shard key): fix "sharding.key" in the topology.`);
    const { rows: exists } = await client.query<{ present: boolean }>('select to_regclass($1) is not null as present', [
      client.escapeIdentifier(model.table),
    ]);
    if (!exists[0]?.present) continue;
    const { rows } = await client.query<{ count: string; earliest: Date | null; latest: Date | null }>(
      `select count(*) as count, min(${client.escapeIdentifier(column)}) as earliest, max(${client.escapeIdentifier(column)}) as latest
         from ${client.escapeIdentifier(model.table)} where ${client.escapeIdentifier(column)} >= $1::timestamptz`,
      [end],
    );
    const row = rows[0];
    if (row && Number(row.count) > 0) {
      found.push({ model: model.name, table: model.table, count: Number(row.count), earliest: row.earliest!, latest: row.latest! });
    }
  }
  return found;
}
