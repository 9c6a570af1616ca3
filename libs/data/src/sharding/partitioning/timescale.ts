import { quoteLiteral, type SqlRunner } from './sql-runner.js';

/** Whether TimescaleDB is installed in the database, or only available to install. */
export interface TimescaleStatus {
  installed: boolean;
  available: boolean;
}

export async function detectTimescale(db: SqlRunner): Promise<TimescaleStatus> {
  const { rows } = await db.query<{ installed: boolean; available: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS installed,
            EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS available`,
  );
  return { installed: rows[0]?.installed === true, available: rows[0]?.available === true };
}

/** Makes `table` a hypertable on `timeColumn` with chunks of one `interval` (idempotent). */
export function createHypertableSql(table: string, timeColumn: string, interval: 'day' | 'month'): string {
  return `SELECT create_hypertable(${quoteLiteral(table)}, ${quoteLiteral(timeColumn)}, chunk_time_interval => INTERVAL ${quoteLiteral(`1 ${interval}`)}, if_not_exists => TRUE, migrate_data => TRUE)`;
}

/** Lets TimescaleDB drop chunks older than the retention by itself (idempotent). */
export function addRetentionPolicySql(table: string, retentionDays: number): string {
  return `SELECT add_retention_policy(${quoteLiteral(table)}, INTERVAL ${quoteLiteral(`${retentionDays} days`)}, if_not_exists => TRUE)`;
}
