// Connection selection: per service and per call, the monolith or the service's own database.
export type { Side, OperationKind } from './side.js';
export { reshardFlags, RESHARD_FLAG_PREFIX, useShardedDatabaseFlags, SIDE_FLAG_PREFIX, type SideFlagNames } from './side-flag-names.js';
export { SelectionMetrics, type SideReason } from './selection-metrics.js';
export { ConnectionSelector, type ConnectionSelectorOptions, type SideDecision, type SidePlacement } from './connection-selector.js';
export { createSideSwitchingClient, type SideChooser, type SideSwitchingClientOptions } from './side-switching-client.js';
export { SERVED_SIDES_HEADER } from './served-sides.js';
