// Moving a service out of the monolith and back (issue 5): copy, verify, switch reads,
// switch writes, rollback, finish and status, with PostgreSQL logical replication and the flags.
// How it works, and why it loses no write: README.md in this folder.
export { CutoverError, type CutoverErrorCode } from './cutover.error.js';
export { DEFAULT_CUTOVER_TIMEOUTS, type AdminLogin, type CutoverContext, type CutoverTimeouts } from './cutover-context.js';
export { planCutover, type CutoverPlan, type CutoverTarget, type PlannedTable, type TableRole } from './cutover-plan.js';
export { parsePrismaModels, type PrismaModel } from './prisma-models.js';
export { loadCutoverPlan } from './load-plan.js';
export { CUTOVER_SCHEMA, type CutoverPhase } from './cutover-state.js';
export { WRITE_REDIRECT_SQLSTATE, writeRedirectOf, type GuardSide, type WriteRedirect } from './write-guard.js';
export type { CutoverFlagNames, CutoverFlagValues, FlagWriter, WriteSide } from './flag-writer.js';
export { FileFlagWriter, rolloutPercent, type FileFlagWriterOptions } from './file.flag-writer.js';
export { UnleashFlagWriter, type UnleashFlagWriterOptions } from './unleash.flag-writer.js';
export { copyService, type CopyResult } from './copy-service.js';
export type { TableCopyProgress } from './copy-progress.js';
export { verifyService, type TableComparison, type VerifyReport } from './verify.js';
// Row counts and checksums that equal ones mean equal rows; backups use them in their manifests.
export { STABLE_TEXT_SETTINGS, tableChecksum, type TableChecksum } from './table-checksum.js';
export { quoteIdent, qualified } from './sql-text.js';
export { switchReads } from './switch-reads.js';
export { moveWrites, type MoveWritesResult } from './move-writes.js';
export { rollbackService } from './rollback-service.js';
// The end of the move: the links to the monolith removed once the reverse replication's retention is over.
export { finishService, type FinishOptions, type FinishResult } from './finish-service.js';
export { checkRetention, DEFAULT_REVERSE_RETENTION_DAYS, type RetentionCheck } from './reverse-retention.js';
export { cutoverStatus, type ServiceCutoverStatus } from './cutover-status.js';
// Each operator step logged once as a data-layer event (`cutover-step`).
export { cutoverEventLogger, type CutoverStep } from './step-events.js';
export type { LinkHealth } from './replication-health.js';
export { replicationName, type ReplicationDirection } from './replication-names.js';
// After a failover: the active links rebuilt from the side of record on the current primaries, then verified.
export { resyncService, type ResyncResult } from './resync-service.js';
export { repairLinksAfterFailover, type LinkRepair } from './repair-after-failover.js';
