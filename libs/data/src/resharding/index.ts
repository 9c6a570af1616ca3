// Online resharding: a sharded service's rows moved from one shard layout to another
// (`sharding.shards` → `sharding.next`) with the cutover's machinery: copy with row filters,
// verify, switch reads, switch writes (fence, catch up, reverse replication), rollback, finish.
// How and why: README.md in this folder.
export type { ReshardContext } from './reshard-context.js';
export { loadReshardPlan } from './reshard-context.js';
export { planReshard, reshardGuardKey, type LayoutShard, type ReshardLink, type ReshardPlan } from './reshard-plan.js';
export type { ReshardPhase, ReshardState } from './reshard-state.js';
export { copyToNextLayout, type ReshardCopyResult } from './reshard-copy.js';
export { verifyLayouts, type ReshardVerifyReport, type ShardComparison } from './reshard-verify.js';
export { moveLayoutWrites, switchLayoutReads, type Layout, type LayoutWritesResult } from './reshard-switch.js';
export { resyncReshard, type ReshardResyncResult } from './reshard-resync.js';
export { repairReshardLinksAfterFailover, type ReshardLinkRepair } from './repair-reshard-links.js';
export { finishReshard, type ReshardFinishOptions, type ReshardFinishResult } from './reshard-finish.js';
export { reshardStatus, type ReshardStatus } from './reshard-status.js';
// The flags the services' layout switch reads, written by the steps: Reshard.<service>.reads|writes.
export { reshardFlags } from '../selection/side-flag-names.js';
