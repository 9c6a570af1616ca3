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
export { waitForReplicaStreaming } from './replication/wait-for-replica-streaming.js';
export { containerRuntimeAvailable } from './testcontainers/container-runtime-detection.js';
export { TopologyRuntimeError, type TopologyRuntimeErrorCode } from './errors.js';
export {
  startUnleashServer,
  UnleashAdmin,
  type RunningUnleashServer,
  type UnleashServerOptions,
  type AdminStrategy,
} from './unleash/index.js';
export {
  backUpForPointInTime,
  restoreToPointInTime,
  type PointInTimeCluster,
  type PointInTimeRestoreOptions,
  type RestoredServer,
} from './backup/point-in-time.js';
export { findPgBackRest, pgBackRestPaths } from './backup/pgbackrest.js';
