export { startScratchPostgres, type ScratchPostgres, type ScratchPostgresOptions } from './scratch-postgres.js';
export { startTopology, chooseProvider } from './start-topology.js';
export {
  endpointKey,
  type AdminAccess,
  type Endpoints,
  type ProviderName,
  type RunningTopology,
  type StartTopologyOptions,
} from './topology-runtime.types.js';
export { planClusters, type ClusterPlan, type DatabasePlan } from './topology-plan.js';
export { ensureLocalCertificates, type LocalCertificates, type LocalCertificateOptions } from './provisioning/tls-certificates.js';
export { planClusterRoles, type ClusterRolesPlan, type ServiceAccess } from './provisioning/roles-plan.js';
export { planShardDatabases, provisionShardDatabases } from './provisioning/provision-shard-databases.js';
export type { ProvisionTarget, ProvisionResult } from './provisioning/provision-cluster.js';
// An administrative connection to a server as provisioning makes it (TLS, time-out), for maintenance beside it.
export { connect as connectProvisionTarget } from './provisioning/provision-cluster.js';
export { waitForReplicaStreaming } from './replication/wait-for-replica-streaming.js';
export { promoteReplica, type FailoverNode, type FailoverOptions, type FailoverResult } from './replication/promote-replica.js';
export { readNodeRoles, type NodeRole } from './replication/read-node-roles.js';
export { PrimaryWatchdog, type PrimaryWatchdogOptions } from './replication/primary-watchdog.js';
export { readCurrentPrimary, writeCurrentPrimary, currentPrimaryFile, type CurrentPrimaryRecord } from './embedded/current-primary.js';
export { containerRuntimeAvailable } from './testcontainers/container-runtime-detection.js';
export { TopologyRuntimeError, type TopologyRuntimeErrorCode } from './errors.js';
export {
  startUnleashServer,
  UnleashAdmin,
  type RunningUnleashServer,
  type UnleashServerOptions,
  type AdminStrategy,
} from './unleash/index.js';
export * from './observe/index.js';
export { startPgBouncers, type RunningPgBouncers, type StartPgBouncersOptions } from './pgbouncer/start-pgbouncers.js';
export { startPgBouncer, type RunningPgBouncer, type StartPgBouncerOptions } from './pgbouncer/pgbouncer-process.js';
export { findPgBouncer } from './pgbouncer/pgbouncer-binary.js';
export { PgBouncerReuseMonitor, type PgBouncerReuse, type PgBouncerReuseMonitorOptions } from './pgbouncer/pgbouncer-reuse-monitor.js';
export {
  backUpForPointInTime,
  restoreToPointInTime,
  type PointInTimeCluster,
  type PointInTimeRestoreOptions,
  type RestoredServer,
} from './backup/point-in-time.js';
export { findPgBackRest, pgBackRestPaths } from './backup/pgbackrest.js';
export { findPostgresProgram, locatePostgresProgram, majorOf, type PostgresProgram } from './postgres-programs.js';
export { runProgram, type RunProgramOptions } from './run-program.js';
export { isProcessAlive } from './embedded/runtime-state.js';
