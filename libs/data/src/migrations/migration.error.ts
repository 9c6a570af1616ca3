import { DataError } from '@neo/topology';

/** Stable codes of the fleet migrator's errors, for callers that branch on them. */
export type MigrationErrorCode =
  /** A migration failed in an earlier run and was never resolved; nothing more is applied to that target. */
  | 'MIGRATION_FAILED_PREVIOUSLY'
  /** An applied migration's migration.sql was changed afterwards (its checksum differs). */
  | 'MIGRATION_EDITED'
  /** The target has a migration applied that the migrations directory does not have. */
  | 'MIGRATION_MISSING_LOCALLY'
  /** A migration failed in this run; it was rolled back and recorded as failed. */
  | 'MIGRATION_FAILED'
  /** A migrations directory or migration.sql could not be read. */
  | 'MIGRATION_UNREADABLE'
  /** The target database could not be reached or locked. */
  | 'MIGRATION_TARGET_UNAVAILABLE'
  /** A service named for migration has no prisma/<service>/migrations directory. */
  | 'MIGRATION_SERVICE_UNKNOWN';

export interface MigrationErrorDetails {
  /** Label of the target, e.g. `core/core-primary/neo_storage` (never a password). */
  target?: string;
  /** Name of the migration concerned, e.g. `20261128054032_init`. */
  migration?: string;
  cause?: unknown;
}

export class MigrationError extends DataError {
  declare readonly code: MigrationErrorCode;
  readonly target: string | undefined;
  readonly migration: string | undefined;

  constructor(code: MigrationErrorCode, message: string, details: MigrationErrorDetails = {}) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.target = details.target;
    this.migration = details.migration;
  }
}
