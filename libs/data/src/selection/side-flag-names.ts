/**
 * The flags a service's side is read from. The seed's single `UseShardedDatabase` switch is
 * split per service and per direction, so reads can move gradually and writes move at once:
 * - `UseShardedDatabase.<service>.reads`: flexibleRollout, the percentage of users whose reads
 *   go to the service's own database (sticky by user id);
 * - `UseShardedDatabase.<service>.writes`: on/off, where every write goes.
 */
export interface SideFlagNames {
  readonly reads: string;
  readonly writes: string;
}

export const SIDE_FLAG_PREFIX = 'UseShardedDatabase';

export function useShardedDatabaseFlags(service: string): SideFlagNames {
  return { reads: `${SIDE_FLAG_PREFIX}.${service}.reads`, writes: `${SIDE_FLAG_PREFIX}.${service}.writes` };
}

export const RESHARD_FLAG_PREFIX = 'Reshard';

/**
 * The flags that choose a sharded service's shard layout while `neo-db reshard` runs:
 * `Reshard.<service>.reads` (flexibleRollout: the users whose reads go to the next layout) and
 * `Reshard.<service>.writes` (on: every write goes to the next layout). They read like the
 * cutover's, with the current layout in the monolith's place and the next in the service's.
 */
export function reshardFlags(service: string): SideFlagNames {
  return { reads: `${RESHARD_FLAG_PREFIX}.${service}.reads`, writes: `${RESHARD_FLAG_PREFIX}.${service}.writes` };
}
