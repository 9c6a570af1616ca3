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
