// The fleet migrator: applies each service's Prisma migrations to every database the topology
// gives it, recorded the way Prisma records them. (Creating migrations and comparing a database
// with schema.prisma needs Prisma's schema engine: see ./schema-engine/, used by tools and tests.)
export { migrateFleet, migrationsDirectory, DEFAULT_PRISMA_ROOT } from './migrate-fleet.js';
export type { MigrateFleetOptions, FleetMigrationResult } from './migrate-fleet.js';
export { planMigrationTargets } from './plan-migration-targets.js';
export type { PlannedMigrationTarget, PlanMigrationTargetsOptions, MigrationTargetKind } from './plan-migration-targets.js';
export { migrateTarget } from './migrate-target.js';
export type { MigrationTarget, TargetMigrationResult, MigrateTargetOptions } from './migrate-target.js';
export { readLocalMigrations, migrationChecksum, matchesChecksum } from './local-migrations.js';
export type { LocalMigration } from './local-migrations.js';
export { MigrationsTable, MIGRATIONS_TABLE, PRISMA_ADVISORY_LOCK_KEY, isApplied, isFailed } from './migrations-table.js';
export type { MigrationRecord } from './migrations-table.js';
export { MigrationError } from './migration.error.js';
export type { MigrationErrorCode, MigrationErrorDetails } from './migration.error.js';
