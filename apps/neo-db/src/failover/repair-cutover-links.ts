import type { Topology } from '@neo/topology';
import { repairLinksAfterFailover, type CutoverContext, type LinkRepair } from '@neo/data/cutover';

/** What repairing cutover links needs besides the topology, which the failover rebinds to the new primary. */
export type LinkRepairSettings = Omit<CutoverContext, 'topology'>;

/** One service's repair after a failover, in words fit for a log line and an event. */
export interface CutoverLinkRepair {
  service: string;
  /** `resynced`: links rebuilt and verify passed; `differences`: rebuilt, but verify found some; `failed`: not repaired. */
  outcome: 'resynced' | 'differences' | 'failed';
  /** Links rebuilt and caught up (before verify), in ms. */
  ms?: number;
  reason?: string;
  /** The command that finishes the repair once the reason is fixed. */
  retry?: string;
}

/**
 * PostgreSQL 15 does not fail logical replication slots over: after `promoted` took over `cluster`,
 * every cutover link with an end there is rebuilt from the side of record on the current primaries
 * (`repairLinksAfterFailover`). Each service's outcome is logged, a failure with its reason and the
 * command to run once it is fixed.
 */
export async function repairCutoverLinks(
  settings: LinkRepairSettings,
  topology: Topology,
  cluster: string,
  promoted: string,
  log: (line: string) => void,
): Promise<CutoverLinkRepair[]> {
  let repairs: LinkRepair[];
  try {
    repairs = await repairLinksAfterFailover({ ...settings, topology: withPrimary(topology, cluster, promoted) }, cluster);
  } catch (error) {
    // The failover itself is done: a repair that cannot even start is reported, never thrown.
    repairs = [{ service: '*', outcome: 'failed', reason: (error as Error).message, retry: 'neo-db status, then neo-db resync <service>' }];
  }
  return repairs.map((repair) => {
    const described = describe(repair);
    if (described.outcome === 'resynced')
      log(`${cluster}: cutover links of ${repair.service} rebuilt on ${promoted} and caught up in ${described.ms} ms; verify ok`);
    else if (described.outcome === 'differences')
      log(`${cluster}: cutover links of ${repair.service} rebuilt on ${promoted}, but ${described.reason}; then run: ${described.retry}`);
    else
      log(
        `${cluster}: cutover links of ${repair.service} NOT repaired: ${described.reason}\n  Once that is fixed, run: ${described.retry}`,
      );
    return described;
  });
}

function describe(repair: LinkRepair): CutoverLinkRepair {
  if (repair.outcome === 'failed') return { service: repair.service, outcome: 'failed', reason: repair.reason, retry: repair.retry };
  const { verify, repairMs } = repair.result;
  const ms = Math.round(repairMs);
  if (verify.ok) return { service: repair.service, outcome: 'resynced', ms };
  return {
    service: repair.service,
    outcome: 'differences',
    ms,
    reason: `verify found ${verify.differences.length} difference(s): ${verify.differences.join('; ')}`,
    retry: `neo-db verify ${repair.service}`,
  };
}

/** The topology with `promoted` as the cluster's primary and every other node as its replica. */
function withPrimary(topology: Topology, cluster: string, promoted: string): Topology {
  const bound = structuredClone(topology);
  const declared = bound.clusters[cluster]!;
  const nodes = [declared.primary, ...declared.replicas];
  declared.primary = nodes.find((node) => node.name === promoted)!;
  declared.replicas = nodes.filter((node) => node.name !== promoted);
  return bound;
}
