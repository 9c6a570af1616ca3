export { maintainTimePartitions, partitionNames, type TimePartitioning, type PartitionMaintenance } from './maintain-time-partitions.js';
export {
  createTimePartitionSql,
  dropPartitionSql,
  partitionFor,
  periodStart,
  addPeriods,
  type PartitionInterval,
  type TimePartition,
} from './time-partitions.js';
export { hashPartitionsSql, createHashPartitions } from './hash-partitions.js';
export { detectTimescale, createHypertableSql, addRetentionPolicySql, type TimescaleStatus } from './timescale.js';
export { PartitioningError } from './partitioning.error.js';
export type { SqlRunner } from './sql-runner.js';
export { partitionPlaces, type PartitionPlace } from './partition-places.js';
export { partitionLogin, partitionNodes, type PartitionNodes } from './partition-login.js';
export { DEFAULT_RETENTION, keptWindow, retentionFromTopology, type KeptWindow, type RetentionSettings } from './retention.js';
export { TimePartitionKeeper, type PlaceMaintenance, type TimePartitionKeeperOptions } from './time-partition-keeper.js';
