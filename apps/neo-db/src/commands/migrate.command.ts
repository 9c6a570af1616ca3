import type { Topology } from '@neo/data';
import { migrateFleet } from '@neo/data/migrations';

export interface MigrateCommandOptions {
  /** `prisma/` of the workspace. */
  prismaRoot: string;
  /** Include each service's schema in the monolith (default true: both sides stay on the same schema). */
  monolith?: boolean;
  log: (line: string) => void;
}

/**
 * `neo-db migrate [<service>…]`: applies every pending migration of the named services (default:
 * every service with migrations) to each of their targets in the running topology: the service's
 * database or each shard, and its schema in the monolith. Already applied migrations are skipped,
 * so it is safe to run again; a failure names the target and the migration, and a rerun continues there.
 */
export async function migrateCommand(topology: Topology, services: readonly string[], options: MigrateCommandOptions): Promise<number> {
  const results = await migrateFleet({
    topology,
    prismaRoot: options.prismaRoot,
    ...(services.length > 0 ? { services: [...services] } : {}),
    ...(options.monolith === false ? { monolith: false } : {}),
    log: options.log,
  });
  for (const result of results) {
    const what = result.applied.length > 0 ? `applied ${result.applied.join(', ')}` : 'up to date';
    options.log(`  ${result.service} ${result.target}: ${what}`);
  }
  const applied = results.reduce((total, result) => total + result.applied.length, 0);
  options.log(`migrate: ${applied} migration(s) applied over ${results.length} target(s)`);
  return 0;
}
