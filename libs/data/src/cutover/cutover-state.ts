import type pg from 'pg';

/**
 * Where a service stands in its move out of the monolith, kept in the monolith database
 * (`neo_cutover.cutover_state`) so a command that was killed finds it on the next run.
 *
 * - `copying`: copy started; replication monolith → service is being set up or copying.
 * - `replicating`: the service's databases follow the monolith; writes go to the monolith.
 * - `switching-writes`: switch-writes is moving writes to the service (or was interrupted doing so).
 * - `writes-on-service`: writes go to the service; the monolith follows it (reverse replication).
 * - `rolling-back`: rollback is moving writes back to the monolith (or was interrupted doing so).
 * - `finishing`: finish is removing the replication to the monolith (or was interrupted doing so).
 * - `finished`: the service lives in its own databases only; nothing replicates, rollback is no longer possible.
 */
export type CutoverPhase = 'copying' | 'replicating' | 'switching-writes' | 'writes-on-service' | 'rolling-back' | 'finishing' | 'finished';

export const CUTOVER_SCHEMA = 'neo_cutover';

export interface CutoverStateRow {
  service: string;
  phase: CutoverPhase;
  updatedAt: Date;
  /** How long ago `updatedAt` was, by the database server's clock. */
  ageMs: number;
}

// writes_moved_at: when a switch-writes last reached `writes-on-service` (finish counts the
// retention of the reverse replication from it). Added to tables made by older releases.
const CREATE_STATE = `
CREATE SCHEMA IF NOT EXISTS ${CUTOVER_SCHEMA};
CREATE TABLE IF NOT EXISTS ${CUTOVER_SCHEMA}.cutover_state (
  service    text PRIMARY KEY,
  phase      text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE ${CUTOVER_SCHEMA}.cutover_state ADD COLUMN IF NOT EXISTS writes_moved_at timestamptz;`;

/** Creates the state table if needed (admin connection on the monolith database). */
export async function ensureStateTable(client: pg.Client): Promise<void> {
  await client.query(CREATE_STATE);
}

export async function readPhase(client: pg.Client, service: string): Promise<CutoverPhase | undefined> {
  const exists = await client.query(`SELECT to_regclass('${CUTOVER_SCHEMA}.cutover_state') IS NOT NULL AS present`);
  if (!exists.rows[0]?.present) return undefined;
  const { rows } = await client.query<{ phase: CutoverPhase }>(`SELECT phase FROM ${CUTOVER_SCHEMA}.cutover_state WHERE service = $1`, [
    service,
  ]);
  return rows[0]?.phase;
}

export async function readAllPhases(client: pg.Client): Promise<CutoverStateRow[]> {
  const exists = await client.query(`SELECT to_regclass('${CUTOVER_SCHEMA}.cutover_state') IS NOT NULL AS present`);
  if (!exists.rows[0]?.present) return [];
  const { rows } = await client.query<{ service: string; phase: CutoverPhase; updated_at: Date; age_ms: string }>(
    `SELECT service, phase, updated_at, (extract(epoch FROM clock_timestamp() - updated_at) * 1000)::text AS age_ms
       FROM ${CUTOVER_SCHEMA}.cutover_state ORDER BY service`,
  );
  return rows.map((row) => ({ service: row.service, phase: row.phase, updatedAt: row.updated_at, ageMs: Number(row.age_ms) }));
}

/**
 * Records the phase. `writes_moved_at` is set when a switch-writes completes (`switching-writes`
 * → `writes-on-service`) and kept otherwise: a rollback abandoned before its point of no return
 * goes back to `writes-on-service` without writes ever having left the service.
 */
export async function writePhase(client: pg.Client, service: string, phase: CutoverPhase): Promise<void> {
  await ensureStateTable(client);
  await client.query(
    `INSERT INTO ${CUTOVER_SCHEMA}.cutover_state AS state (service, phase, updated_at) VALUES ($1, $2, clock_timestamp())
     ON CONFLICT (service) DO UPDATE SET phase = EXCLUDED.phase, updated_at = EXCLUDED.updated_at,
       writes_moved_at = CASE WHEN EXCLUDED.phase = 'writes-on-service' AND state.phase = 'switching-writes'
                              THEN EXCLUDED.updated_at ELSE state.writes_moved_at END`,
    [service, phase],
  );
}

/** When writes last moved to the service, and how long ago by the database server's clock. */
export interface WritesMoved {
  at: Date;
  ageMs: number;
  /**
   * False for a state row from a release that did not record the moment: `at` is then the
   * row's last change, which is never earlier than the move (the retention is not cut short).
   */
  recorded: boolean;
}

/** When writes moved to the service; undefined when the service has no state row. Needs `ensureStateTable` first. */
export async function readWritesMoved(client: pg.Client, service: string): Promise<WritesMoved | undefined> {
  const { rows } = await client.query<{ at: Date; age_ms: string; recorded: boolean }>(
    `SELECT coalesce(writes_moved_at, updated_at) AS at, writes_moved_at IS NOT NULL AS recorded,
            (extract(epoch FROM clock_timestamp() - coalesce(writes_moved_at, updated_at)) * 1000)::text AS age_ms
       FROM ${CUTOVER_SCHEMA}.cutover_state WHERE service = $1`,
    [service],
  );
  const row = rows[0];
  return row ? { at: row.at, ageMs: Number(row.age_ms), recorded: row.recorded } : undefined;
}
