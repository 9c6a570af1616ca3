/**
 * Statements PostgreSQL refuses inside a transaction block (SQLSTATE 25001): building or dropping
 * an index without blocking writes, and a few maintenance commands.
 */
const OUTSIDE_A_TRANSACTION =
  /\b(?:(?:CREATE|DROP)\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY|REINDEX\b[^;]*\bCONCURRENTLY|VACUUM|(?:CREATE|DROP)\s+(?:DATABASE|TABLESPACE)|ALTER\s+SYSTEM)\b/i;

/** Comments and quoted text, which may mention such a statement without running it. */
const NOT_CODE = /--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|"(?:[^"]|"")*"|\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g;

/**
 * Whether a migration runs without a transaction of its own. The migrator wraps every migration
 * in one, so a failure leaves nothing half-applied; a migration that holds a statement PostgreSQL
 * cannot run inside a transaction (`CREATE INDEX CONCURRENTLY`, …) opts out by containing it, and
 * is then sent as written, as Prisma's own runner sends every migration: a script of one
 * statement runs on its own, so such a statement belongs in a migration of its own.
 */
export function runsOutsideTransaction(sql: string): boolean {
  return OUTSIDE_A_TRANSACTION.test(sql.replace(NOT_CODE, ' '));
}
