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
 */
export type CutoverPhase = 'copying' | 'replicating' | 'switching-writes' | 'writes-on-service' | 'rolling-back';

export const CUTOVER_SCHEMA = 'neo_cutover';

export interface CutoverStateRow {
  service: string;
  phase: CutoverPhase;
  updatedAt: Date;
  /** How long ago `updatedAt` was, by the database server's clock. */
  ageMs: number;
}

const CREATE_STATE = `
CREATE SCHEMA IF NOT EXISTS ${CUTOVER_SCHEMA};
CREATE TABLE IF NOT EXISTS ${CUTOVER_SCHEMA}.cutover_state (
  service    text PRIMARY KEY,
  phase      text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);`;

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

export async function writePhase(client: pg.Client, service: string, phase: CutoverPhase): Promise<void> {
  await ensureStateTable(client);
  await client.query(
    `INSERT INTO ${CUTOVER_SCHEMA}.cutover_state (service, phase, updated_at) VALUES ($1, $2, clock_timestamp())
     ON CONFLICT (service) DO UPDATE SET phase = EXCLUDED.phase, updated_at = EXCLUDED.updated_at`,
    [service, phase],
  );
}
