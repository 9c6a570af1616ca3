import type pg from 'pg';
import { CUTOVER_SCHEMA } from './cutover-state.js';
import type { WriteSide } from './flag-writer.js';
import { qualified, quoteLiteral } from './sql-text.js';

/**
 * The database-level write guard. Every database that holds a service's tables during a
 * cutover (its schema in the monolith, its own databases and shards) has a row in
 * `neo_cutover.write_guard` saying which side takes the service's writes, and a statement
 * trigger on each of the service's tables that checks it:
 *
 * - the side is this database's side: the write goes ahead;
 * - the side is `switching`: the write waits inside the trigger (polling, at most `wait_ms`)
 *   until the switch finishes, then goes ahead or is redirected;
 * - the side is the other one: the write fails with SQLSTATE `NC001` (WRITE_REDIRECT_SQLSTATE),
 *   whose DETAIL names the side to retry on. Nothing was written, so the retry is safe.
 *
 * Logical replication applies changes with `session_replication_role = replica`, in which
 * ordinary triggers do not fire: replication is never stopped by the guard.
 */
export const WRITE_REDIRECT_SQLSTATE = 'NC001';

export type GuardSide = WriteSide | 'switching';

const GUARD_TABLE = `${CUTOVER_SCHEMA}.write_guard`;
const GUARD_FUNCTION = `${CUTOVER_SCHEMA}.guard_writes`;
const TRIGGER_NAME = 'neo_cutover_write_guard';

const CREATE_GUARD = `
CREATE SCHEMA IF NOT EXISTS ${CUTOVER_SCHEMA};
CREATE TABLE IF NOT EXISTS ${GUARD_TABLE} (
  service text PRIMARY KEY,
  side    text NOT NULL CHECK (side IN ('monolith', 'service', 'switching')),
  wait_ms integer NOT NULL DEFAULT 10000
);
GRANT USAGE ON SCHEMA ${CUTOVER_SCHEMA} TO PUBLIC;
GRANT SELECT ON ${GUARD_TABLE} TO PUBLIC;
CREATE OR REPLACE FUNCTION ${GUARD_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $guard$
DECLARE
  guarded_service text := TG_ARGV[0];
  this_side       text := TG_ARGV[1];
  current_side    text;
  max_wait_ms     integer;
  waited_ms       integer := 0;
BEGIN
  LOOP
    -- A volatile function reads with a fresh snapshot each time: it sees the switch commit.
    SELECT g.side, g.wait_ms INTO current_side, max_wait_ms FROM ${GUARD_TABLE} g WHERE g.service = guarded_service;
    IF current_side IS NULL OR current_side = this_side THEN
      RETURN NULL;
    END IF;
    IF current_side = 'switching' AND waited_ms < max_wait_ms THEN
      PERFORM pg_sleep(0.01);
      waited_ms := waited_ms + 10;
      CONTINUE;
    END IF;
    RAISE EXCEPTION USING
      ERRCODE = '${WRITE_REDIRECT_SQLSTATE}',
      MESSAGE = CASE WHEN current_side = 'switching'
        THEN format('Writes of service %s are being switched and the switch took longer than %s ms; retry the write', guarded_service, max_wait_ms)
        ELSE format('Writes of service %s go to the %s side now (cutover); nothing was written here, retry there', guarded_service, current_side) END,
      DETAIL = current_side,
      HINT = 'The data layer retries on the side named in DETAIL; see neo-db status.';
  END LOOP;
END
$guard$;`;

/** Creates the guard table and function in this database (admin connection). */
export async function ensureGuardInfrastructure(client: pg.Client): Promise<void> {
  await client.query(CREATE_GUARD);
}

/** Sets the service's row only when it has none (a rerun of copy keeps the current side). */
export async function initGuard(client: pg.Client, service: string, side: GuardSide, waitMs: number): Promise<void> {
  await client.query(`INSERT INTO ${GUARD_TABLE} (service, side, wait_ms) VALUES ($1, $2, $3) ON CONFLICT (service) DO NOTHING`, [
    service,
    side,
    waitMs,
  ]);
}

export async function setGuard(client: pg.Client, service: string, side: GuardSide): Promise<void> {
  await client.query(`UPDATE ${GUARD_TABLE} SET side = $2 WHERE service = $1`, [service, side]);
}

export async function readGuard(client: pg.Client, service: string): Promise<GuardSide | undefined> {
  const exists = await client.query(`SELECT to_regclass('${GUARD_TABLE}') IS NOT NULL AS present`);
  if (!exists.rows[0]?.present) return undefined;
  const { rows } = await client.query<{ side: GuardSide }>(`SELECT side FROM ${GUARD_TABLE} WHERE service = $1`, [service]);
  return rows[0]?.side;
}

/** Puts the guard trigger on a table (idempotent). `thisSide`: which side this database is. */
export async function guardTable(client: pg.Client, schema: string, table: string, service: string, thisSide: WriteSide): Promise<void> {
  await client.query(
    `CREATE OR REPLACE TRIGGER ${TRIGGER_NAME} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${qualified(schema, table)}
     FOR EACH STATEMENT EXECUTE FUNCTION ${GUARD_FUNCTION}(${quoteLiteral(service)}, ${quoteLiteral(thisSide)})`,
  );
}

/** A write refused by the guard: which service, and the side to retry on (`switching`: retry later). */
export interface WriteRedirect {
  side: GuardSide;
  message: string;
}

/**
 * The redirect carried by a database error, or undefined for any other error. The data
 * layer's write path retries a redirected write on `side` (nothing was written).
 */
export function writeRedirectOf(error: unknown): WriteRedirect | undefined {
  const candidate = error as { code?: unknown; detail?: unknown; message?: unknown } | undefined;
  if (!candidate || candidate.code !== WRITE_REDIRECT_SQLSTATE) return undefined;
  const side = candidate.detail;
  if (side !== 'monolith' && side !== 'service' && side !== 'switching') return undefined;
  return { side, message: String(candidate.message) };
}
