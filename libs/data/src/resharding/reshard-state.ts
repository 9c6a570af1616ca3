import type pg from 'pg';
import { CUTOVER_SCHEMA } from '../cutover/cutover-state.js';

/**
 * Where a service stands in a reshard, kept beside the cutover's state in the monolith database
 * (`neo_cutover.reshard_state`), so a killed command finds it on the next run:
 * - `copying`: the next layout's databases are being made, or the initial copy runs;
 * - `replicating`: the next layout follows the current one; writes go to the current one;
 * - `switching-writes` / `rolling-back`: writes are being moved (or a move was interrupted);
 * - `writes-on-next`: writes go to the next layout; the current one follows it;
 * - `finished`: the old layout is detached and dropped.
 */
export type ReshardPhase = 'copying' | 'replicating' | 'switching-writes' | 'writes-on-next' | 'rolling-back' | 'finished';

export interface ReshardState {
  phase: ReshardPhase;
  /** When writes last reached the next layout; `finish` counts the retention from here. */
  writesMovedAt: Date | null;
  /** How long ago `writesMovedAt` was, by the database server's clock. */
  writesMovedMsAgo: number | null;
}

const TABLE = `${CUTOVER_SCHEMA}.reshard_state`;

const CREATE_STATE = `
CREATE SCHEMA IF NOT EXISTS ${CUTOVER_SCHEMA};
CREATE TABLE IF NOT EXISTS ${TABLE} (
  service         text PRIMARY KEY,
  phase           text NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  writes_moved_at timestamptz
);`;

export async function readReshardState(client: pg.Client, service: string): Promise<ReshardState | undefined> {
  const exists = await client.query(`SELECT to_regclass('${TABLE}') IS NOT NULL AS present`);
  if (!exists.rows[0]?.present) return undefined;
  const { rows } = await client.query<{ phase: ReshardPhase; writes_moved_at: Date | null; moved_ms_ago: string | null }>(
    `SELECT phase, writes_moved_at, (extract(epoch FROM clock_timestamp() - writes_moved_at) * 1000)::text AS moved_ms_ago
       FROM ${TABLE} WHERE service = $1`,
    [service],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    phase: row.phase,
    writesMovedAt: row.writes_moved_at,
    writesMovedMsAgo: row.moved_ms_ago === null ? null : Number(row.moved_ms_ago),
  };
}

/** Records the phase; reaching `writes-on-next` also records when. */
export async function writeReshardPhase(client: pg.Client, service: string, phase: ReshardPhase): Promise<void> {
  await client.query(CREATE_STATE);
  await client.query(
    `INSERT INTO ${TABLE} (service, phase, updated_at, writes_moved_at)
          VALUES ($1, $2, clock_timestamp(), CASE WHEN $2 = 'writes-on-next' THEN clock_timestamp() END)
     ON CONFLICT (service) DO UPDATE SET phase = EXCLUDED.phase, updated_at = EXCLUDED.updated_at,
       writes_moved_at = CASE WHEN EXCLUDED.phase = 'writes-on-next' AND ${TABLE}.phase <> 'writes-on-next'
                              THEN EXCLUDED.updated_at ELSE ${TABLE}.writes_moved_at END`,
    [service, phase],
  );
}
