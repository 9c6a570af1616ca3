import type { CutoverContext } from '../cutover/cutover-context.js';
import type { FailedLinkRepair } from '../cutover/repair-after-failover.js';
import { loadReshardPlan, readStateOf } from './reshard-context.js';
import { activeReshardDirection, resyncReshard, type ReshardResyncResult } from './reshard-resync.js';

/** What the repair after a failover did for one service's reshard: rebuilt its links, or why not and what to run. */
export type ReshardLinkRepair = { service: string; outcome: 'resynced'; result: ReshardResyncResult } | FailedLinkRepair;

/**
 * After `cluster` failed over: `resyncReshard` for every service being resharded whose active
 * links (current → next layout, or back once writes moved) have an end on that cluster.
 * `context.topology` names the cluster's new primary. Never throws for one service: each that
 * could not be repaired is returned with its reason and the command to run later; a service in
 * the middle of a step is left to that step's rerun, and said so.
 */
export async function repairReshardLinksAfterFailover(context: CutoverContext, cluster: string): Promise<ReshardLinkRepair[]> {
  const resharded = Object.entries(context.topology.services)
    .filter(([, declared]) => declared.sharding?.next !== undefined)
    .map(([service]) => service);
  const repairs: ReshardLinkRepair[] = [];
  for (const service of resharded) {
    const retry = `neo-db reshard ${service} resync`;
    try {
      const phase = (await readStateOf(context, service))?.phase;
      // Nothing started, or finished: no links to repair.
      if (phase === undefined || phase === 'finished') continue;
      const plan = await loadReshardPlan(context, service);
      const touched = [...plan.forward, ...plan.reverse].some(
        (link) => link.publisher.cluster === cluster || link.subscriber.cluster === cluster,
      );
      if (!touched) continue;
      // Throws for a phase without active links (a step was interrupted), saying which step to rerun first.
      activeReshardDirection(service, phase);
      repairs.push({ service, outcome: 'resynced', result: await resyncReshard(context, service) });
    } catch (error) {
      repairs.push({ service, outcome: 'failed', reason: (error as Error).message, retry });
    }
  }
  return repairs;
}
