import { resyncService, type CutoverContext } from '@neo/data/cutover';

/**
 * `neo-db resync <service>`: rebuilds the service's active replication links on the clusters'
 * current primaries (after a failover), then verifies. Exit 0 when verify passes, 2 naming every
 * difference. Safe to interrupt and run again: every run rebuilds from the side of record.
 */
export async function resyncCommand(context: CutoverContext, service: string): Promise<number> {
  const log = context.log ?? console.log;
  const result = await resyncService(context, service);
  for (const link of result.links) log(`  rebuilt ${link.name}: ${link.route}`);
  if (result.verify.ok) {
    log(`${service}: links rebuilt and caught up in ${Math.round(result.repairMs)} ms; the monolith and the service hold the same rows`);
    return 0;
  }
  log(`${service}: links rebuilt, but verify found ${result.verify.differences.length} difference(s):`);
  for (const difference of result.verify.differences) log(`  - ${difference}`);
  return 2;
}
