import type { Topology } from '@neo/data';
import type { AdminLogin } from '@neo/data/cutover';
import { findService } from '@neo/topology';
import { rollOverShards, ShardRolloverRefusal } from '../maintain/roll-over-shards.js';
import { NeoDbError } from '../neo-db.error.js';

export interface MaintainCommandOptions {
  admin: (cluster: string) => AdminLogin;
  prismaRoot: string;
  /** The moment whose shard layout is made ready (default: now). */
  now?: Date;
  log: (line: string) => void;
}

/**
 * `neo-db maintain [<service>…]`: the maintenance that keeps a service's layout ahead of time,
 * like partitions are: next year's shard of every service with `sharding.rollover` is created and
 * migrated from January 1 minus `aheadDays` on (see `rollOverShards`). Safe to run again.
 */
export async function maintainCommand(topology: Topology, services: readonly string[], options: MaintainCommandOptions): Promise<number> {
  for (const service of services) {
    if (!findService(topology, service).sharding?.rollover) {
      throw new NeoDbError(`service "${service}" declares no "sharding.rollover": there is nothing to maintain ahead of time`, 'usage');
    }
  }
  try {
    const made = await rollOverShards({
      topology,
      ...(services.length > 0 ? { services } : {}),
      admin: options.admin,
      prismaRoot: options.prismaRoot,
      ...(options.now ? { now: options.now } : {}),
      log: options.log,
    });
    const created = made.filter((shard) => shard.created).length;
    options.log(`maintain: ${made.length} rolled-over shard(s) ready, ${created} created now`);
    return 0;
  } catch (error) {
    if (error instanceof ShardRolloverRefusal) {
      options.log(error.message);
      return 1;
    }
    throw error;
  }
}
