/** Direction of logical replication: `forward` monolith → service, `reverse` service → monolith. */
export type ReplicationDirection = 'forward' | 'reverse';

/**
 * The publication, its replication slot and the subscription of one target and direction
 * share one name: `neo_fwd_<service>[__<shard>]` or `neo_rev_…`.
 */
export function replicationName(direction: ReplicationDirection, objectName: string): string {
  return `${direction === 'forward' ? 'neo_fwd' : 'neo_rev'}_${objectName}`;
}
