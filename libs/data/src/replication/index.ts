// Read replicas: routing reads to fresh, healthy replicas and writes to the primary.
export { createReplicaSet, ReplicaSet, type NodeStatus, type ReplicaSetEvent, type ReplicaSetOptions } from './replica-set.js';
export { createRoutedClient, type ReplicatedClient } from './routed-client.js';
export { ReadWriteRouter } from './read-write-router.js';
export { ReplicaSelector, type FreshnessView, type ReadRoute } from './replica-selector.js';
export type { ReplicaCandidate, ReplicaPicker } from './replica-picker.js';
export { createReplicaPicker, LeastOutstandingPicker, RandomPicker, RoundRobinPicker, WeightedPicker } from './replica-pickers.js';
export { CircuitBreaker, type BreakerState, type CircuitBreakerOptions } from './circuit-breaker.js';
export {
  LagMonitor,
  type LagMonitorOptions,
  type LagObserver,
  type MonitoredNode,
  type PrimaryChange,
  type ReplicaLag,
} from './lag-monitor.js';
export { SharedLagMonitors, serverLabel, type LagMonitorLease } from './shared-lag-monitors.js';
export { NodeRoles } from './node-roles.js';
export type { LagProbe, NodePosition } from './lag-probe.js';
export { PgLagProbe } from './pg-lag-probe.js';
export { formatLsn, parseLsn } from './lsn.js';
export { SessionWrites, type SessionWriteState, type SessionWritesOptions } from './session-writes.js';
export { currentReadConsistency, withReadConsistency, type ReadConsistency } from './read-consistency.js';
export { NodeClient, type NodeStats } from './node-client.js';
export type { RoutableNode } from './routable-node.js';
export { isConnectionError, isReadOnlyTransactionError } from './connection-error.js';
export { PrimaryUnavailableError } from './primary-unavailable.error.js';
export { QueryTimeoutError, timeoutKindOf, type QueryTimeoutKind } from './query-timeout.error.js';
export { ReplicaWriteError } from './replica-write.error.js';
