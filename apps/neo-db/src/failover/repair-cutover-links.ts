import type { Topology } from '@neo/topology';
import { repairLinksAfterFailover, type CutoverContext, type LinkRepair } from '@neo/data/cutover';
import { repairReshardLinksAfterFailover, type ReshardLinkRepair } from '@neo/data/resharding';

/** What repairing cutover links needs besides the topology, which the failover rebinds to the new primary. */
export type LinkRepairSettings = Omit<CutoverContext, 'topology'>;

/** One service's repair after a failover, in words fit for a log line and an event. */
export interface CutoverLinkRepair {
  service: string;
  /** Whose links: the service's cutover (monolith ↔ service) or its reshard (one shard layout ↔ the next). */
  of: 'cutover' | 'reshard';
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
 * every cutover link and every reshard link with an end there is rebuilt from the side of record
 * on the current primaries (`repairLinksAfterFailover`, `repairReshardLinksAfterFailover`). Each
 * service's outcome is logged, a failure with its reason and the command to run once it is fixed.
 */
export async function repairCutoverLinks(
  settings: LinkRepairSettings,
  topology: Topology,
  cluster: string,
  promoted: string,
  log: (line: string) => void,
): Promise<CutoverLinkRepair[]> {
  const context: CutoverContext = { ...settings, topology: withPrimary(topology, cluster, promoted) };
  // The failover itself is done: a repair that cannot even start is reported, never thrown.
  const cutovers = await repairLinksAfterFailover(context, cluster).catch((error: unknown): LinkRepair[] => [
    { service: '*', outcome: 'failed', reason: (error as Error).message, retry: 'neo-db status, then neo-db resync <service>' },
  ]);
  const reshards = await repairReshardLinksAfterFailover(context, cluster).catch((error: unknown): ReshardLinkRepair[] => [
    { service: '*', outcome: 'failed', reason: (error as Error).message, retry: 'neo-db status, then neo-db reshard <service> resync' },
  ]);
  const described = [...cutovers.map((repair) => describe('cutover', repair)), ...reshards.map((repair) => describe('reshard', repair))];
  for (const repair of described) {
    const links = `${repair.of} links of ${repair.service}`;
    if (repair.outcome === 'resynced') log(`${cluster}: ${links} rebuilt on ${promoted} and caught up in ${repair.ms} ms; verify ok`);
    else if (repair.outcome === 'differences')
      log(`${cluster}: ${links} rebuilt on ${promoted}, but ${repair.reason}; then run: ${repair.retry}`);
    else log(`${cluster}: ${links} NOT repaired: ${repair.reason}\n  Once that is fixed, run: ${repair.retry}`);
  }
  return described;
}

function describe(of: CutoverLinkRepair['of'], repair: LinkRepair | ReshardLinkRepair): CutoverLinkRepair {
  if (repair.outcome === 'failed') return { service: repair.service, of, outcome: 'failed', reason: repair.reason, retry: repair.retry };
  const { verify, repairMs } = repair.result;
  const ms = Math.round(repairMs);
  if (verify.ok) return { service: repair.service, of, outcome: 'resynced', ms };
  return {
    service: repair.service,
    of,
    outcome: 'differences',
    ms,
    reason: `verify found ${verify.differences.length} difference(s): ${verify.differences.join('; ')}`,
    retry: of === 'cutover' ? `neo-db verify ${repair.service}` : `neo-db reshard ${repair.service} verify`,
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
