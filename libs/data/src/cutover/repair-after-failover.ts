import { monolithTarget } from '@neo/topology';
import { withAdmin, type CutoverContext } from './cutover-context.js';
import { readAllPhases, type CutoverStateRow } from './cutover-state.js';
import { loadCutoverPlan } from './load-plan.js';
import { replicationLinks } from './replication-links.js';
import { activeDirection, resyncService, type ResyncResult } from './resync-service.js';

/** What the repair after a failover did for one service: rebuilt its links, or why not and what to run. */
export type LinkRepair = { service: string; outcome: 'resynced'; result: ResyncResult } | FailedLinkRepair;

export interface FailedLinkRepair {
  service: string;
  outcome: 'failed';
  reason: string;
  /** The command that finishes the repair once the reason is fixed. */
  retry: string;
}

/**
 * After `cluster` failed over: `resyncService` for every service whose cutover has an active
 * link (forward while `replicating`, reverse while `writes-on-service`) with an end on that
 * cluster. `context.topology` names the cluster's new primary. Never throws for one service:
 * each that could not be repaired is returned with its reason and the command to run later.
 * Services in the middle of a step are left to that step's rerun, and said so.
 */
export async function repairLinksAfterFailover(context: CutoverContext, cluster: string): Promise<LinkRepair[]> {
  const anyService = Object.keys(context.topology.services)[0];
  if (anyService === undefined) return [];
  const monolith = monolithTarget(context.topology, anyService);
  let phases: CutoverStateRow[];
  try {
    phases = await withAdmin(context, monolith, (client) => readAllPhases(client));
  } catch (error) {
    return [
      {
        service: '*',
        outcome: 'failed',
        reason: `the monolith, where the cutover state is kept, could not be read: ${(error as Error).message}`,
        retry: 'neo-db status, then neo-db resync <service> for each service it shows broken',
      },
    ];
  }
  const repairs: LinkRepair[] = [];
  for (const { service, phase } of phases) {
    // A finished cutover has no links left to repair.
    if (phase === 'finished') continue;
    // An interrupted finish is completed by finish itself, which needs no link to be repaired first.
    const retry = phase === 'finishing' ? `neo-db finish ${service}` : `neo-db resync ${service}`;
    try {
      const plan = await loadCutoverPlan(context, service);
      // Both directions join the same databases: the forward links say which clusters the service's cutover spans.
      const touched = replicationLinks(plan, 'forward').some(
        (link) => link.publisher.cluster === cluster || link.subscriber.cluster === cluster,
      );
      if (!touched) continue;
      // Throws for a phase without active links (a step was interrupted), saying which step to rerun first.
      activeDirection(service, phase);
      repairs.push({ service, outcome: 'resynced', result: await resyncService(context, service) });
    } catch (error) {
      repairs.push({ service, outcome: 'failed', reason: (error as Error).message, retry });
    }
  }
  return repairs;
}
