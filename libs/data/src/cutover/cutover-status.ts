import { withAdmin, type CutoverContext } from './cutover-context.js';
import { readAllPhases, type CutoverPhase } from './cutover-state.js';
import type { CutoverFlagValues } from './flag-writer.js';
import { loadCutoverPlan } from './load-plan.js';
import { inspectLink, type LinkHealth } from './replication-health.js';
import { replicationLinks } from './replication-links.js';
import { monolithTarget } from '@neo/topology';
import { readGuard, type GuardSide } from './write-guard.js';

export interface ServiceCutoverStatus {
  service: string;
  /** `not-started` for a service that runs on the monolith only. */
  phase: CutoverPhase | 'not-started';
  /** The monolith's write guard: which side takes writes. */
  writeSide?: GuardSide;
  flags?: CutoverFlagValues;
  /** Forward (monolith → service) and reverse subscriptions that exist, with their lag. */
  replication: LinkHealth[];
  /** What could not be read (a server down, a flag source unreachable). */
  problems: string[];
}

/** `status`: per service its phase, write side, replication lag each way and flag values. */
export async function cutoverStatus(
  context: CutoverContext,
  services: readonly string[] = Object.keys(context.topology.services),
): Promise<ServiceCutoverStatus[]> {
  const anyService = services[0];
  if (anyService === undefined) return [];
  const states = new Map(
    (await withAdmin(context, monolithTarget(context.topology, anyService), readAllPhases)).map((row) => [row.service, row]),
  );
  const result: ServiceCutoverStatus[] = [];
  for (const service of services) {
    const state = states.get(service);
    const status: ServiceCutoverStatus = { service, phase: state?.phase ?? 'not-started', replication: [], problems: [] };
    try {
      status.flags = await context.flags.read(service);
    } catch (error) {
      status.problems.push(`flags: ${(error as Error).message}`);
    }
    if (status.phase !== 'not-started') {
      try {
        const plan = await loadCutoverPlan(context, service);
        const guard = await withAdmin(context, plan.monolith, (client) => readGuard(client, service));
        if (guard) status.writeSide = guard;
        for (const link of [...replicationLinks(plan, 'forward'), ...replicationLinks(plan, 'reverse')]) {
          // The phase changes right after a step makes its subscriptions: their workers may still be starting.
          const health = await inspectLink(context, link, state ? { changedMsAgo: state.ageMs } : {});
          if (health.exists || health.slotExists) status.replication.push(health);
        }
      } catch (error) {
        status.problems.push((error as Error).message);
      }
    }
    result.push(status);
  }
  return result;
}
