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
 * Before it looks at the side, the trigger takes the service's *fence lock* (a transaction-level
 * advisory lock, see `fenceLockKey`) in shared mode, held until the writer's transaction ends.
 * The write fence (write-fence.ts) takes the same lock in exclusive mode: it waits for every
 * transaction that has written to end, and new writes queue behind it. It is the only lock the
 * fence takes, and a writer takes it before anything else it writes, so fence and writers can
 * never wait for each other in two orders (a `LOCK TABLE` on several tables could: an insert
 * holding `transactions` needs `contracts` for its foreign-key check).
 *
 * Logical replication applies changes with `session_replication_role = replica`, in which
 * ordinary triggers do not fire: replication is never stopped by the guard or the fence.
 */
export const WRITE_REDIRECT_SQLSTATE = 'NC001';

/**
 * A reshard's guard values (the service's layout key, see resharding/): the current layout's
 * shards or the next layout's take the writes.
 */
export type LayoutGuardSide = 'current-layout' | 'next-layout';

export type GuardSide = WriteSide | LayoutGuardSide | 'switching';

const GUARD_SIDES: readonly GuardSide[] = ['monolith', 'service', 'current-layout', 'next-layout', 'switching'];

const GUARD_TABLE = `${CUTOVER_SCHEMA}.write_guard`;
const GUARD_FUNCTION = `${CUTOVER_SCHEMA}.guard_writes`;
/** The cutover's trigger on a table; a reshard puts a second one (its own key and sides) beside it. */
export const CUTOVER_GUARD_TRIGGER = 'neo_cutover_write_guard';
export const RESHARD_GUARD_TRIGGER = 'neo_reshard_write_guard';
/** Marks the trigger function's current version, so a database set up by an older release gets it replaced. */
const GUARD_FUNCTION_VERSION = 'neo-cutover guard v2 (fence lock)';

/**
 * The SQL expression of a service's fence lock key (a bigint for `pg_advisory_xact_lock*`):
 * `serviceExpression` is SQL text giving the service name, e.g. `$1` or a PL/pgSQL variable.
 */
export function fenceLockKey(serviceExpression: string): string {
  return `hashtextextended('neo_cutover.fence:' || ${serviceExpression}, 0)`;
}

const CREATE_GUARD_TABLE = `
CREATE SCHEMA IF NOT EXISTS ${CUTOVER_SCHEMA};
CREATE TABLE IF NOT EXISTS ${GUARD_TABLE} (
  service text PRIMARY KEY,
  side    text NOT NULL,
  wait_ms integer NOT NULL DEFAULT 10000
);
-- Replaced when it predates the reshard's sides (the guard table is tiny; this runs at copy time only).
DO $sides$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'write_guard_side_check'
                   AND conrelid = '${GUARD_TABLE}'::regclass AND pg_get_constraintdef(oid) LIKE '%next-layout%') THEN
    ALTER TABLE ${GUARD_TABLE} DROP CONSTRAINT IF EXISTS write_guard_side_check;
    ALTER TABLE ${GUARD_TABLE} ADD CONSTRAINT write_guard_side_check
      CHECK (side IN (${GUARD_SIDES.map((side) => `'${side}'`).join(', ')}));
  END IF;
END $sides$;
GRANT USAGE ON SCHEMA ${CUTOVER_SCHEMA} TO PUBLIC;
GRANT SELECT ON ${GUARD_TABLE} TO PUBLIC;`;

const CREATE_GUARD_FUNCTION = `
CREATE OR REPLACE FUNCTION ${GUARD_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $guard$
-- ${GUARD_FUNCTION_VERSION}
DECLARE
  guarded_service text := TG_ARGV[0];
  this_side       text := TG_ARGV[1];
  current_side    text;
  max_wait_ms     integer;
  waited_ms       integer := 0;
BEGIN
  -- Waits while a write fence is up; held to the end of the transaction, so a fence waits for this one.
  PERFORM pg_advisory_xact_lock_shared(${fenceLockKey('guarded_service')});
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
  await client.query(CREATE_GUARD_TABLE);
  await client.query(CREATE_GUARD_FUNCTION);
}

/**
 * Replaces the trigger function when this database has one from before the fence lock: a
 * fence raised over the old function would not hold writers back. Does nothing when it is current.
 */
export async function upgradeGuardFunction(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ current: boolean }>(
    `SELECT position($1 in p.prosrc) > 0 AS current FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $2 AND p.proname = 'guard_writes'`,
    [GUARD_FUNCTION_VERSION, CUTOVER_SCHEMA],
  );
  if (rows[0] && !rows[0].current) await client.query(CREATE_GUARD_FUNCTION);
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

/**
 * Puts the guard trigger on a table (idempotent). `thisSide`: which side this database is;
 * `trigger`: the cutover's (default) or the reshard's, each with its own guard key.
 */
export async function guardTable(
  client: pg.Client,
  schema: string,
  table: string,
  guardKey: string,
  thisSide: Exclude<GuardSide, 'switching'>,
  trigger: string = CUTOVER_GUARD_TRIGGER,
): Promise<void> {
  await client.query(
    `CREATE OR REPLACE TRIGGER ${trigger} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${qualified(schema, table)}
     FOR EACH STATEMENT EXECUTE FUNCTION ${GUARD_FUNCTION}(${quoteLiteral(guardKey)}, ${quoteLiteral(thisSide)})`,
  );
}

/** Takes a guard trigger off a table (after finish, writes there no longer take the fence lock). */
export async function unguardTable(
  client: pg.Client,
  schema: string,
  table: string,
  trigger: string = CUTOVER_GUARD_TRIGGER,
): Promise<boolean> {
  const { rowCount } = await client.query(`SELECT 1 FROM pg_trigger WHERE tgname = $1 AND tgrelid = to_regclass($2)`, [
    trigger,
    qualified(schema, table),
  ]);
  if (!rowCount) return false;
  await client.query(`DROP TRIGGER ${trigger} ON ${qualified(schema, table)}`);
  return true;
}

/** Removes the service's row from this database's guard table, if there is one. */
export async function removeGuard(client: pg.Client, service: string): Promise<void> {
  const exists = await client.query(`SELECT to_regclass('${GUARD_TABLE}') IS NOT NULL AS present`);
  if (exists.rows[0]?.present) await client.query(`DELETE FROM ${GUARD_TABLE} WHERE service = $1`, [service]);
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
  const side = GUARD_SIDES.find((known) => known === candidate.detail);
  if (side === undefined) return undefined;
  return { side, message: String(candidate.message) };
}
