import { readNodeRoles, type NodeRole } from '@neo/topology-runtime';
import { cutoverStatus, type CutoverContext, type LinkHealth, type ServiceCutoverStatus } from '@neo/data/cutover';
import { reshardStatus, type ReshardStatus } from '@neo/data/resharding';
import { clusterNodes } from '../failover/cluster-nodes.js';

/**
 * `neo-db status [service…]`: where reads and writes go, the phase, replication each way; in text,
 * first the current primary of each cluster with replicas. Exit 1 if something is broken.
 */
export async function statusCommand(context: CutoverContext, services: string[], options: { json: boolean }): Promise<number> {
  const log = context.log ?? console.log;
  const statuses = await cutoverStatus(context, services.length > 0 ? services : undefined);
  let primariesBroken = false;
  let reshardBroken = false;
  if (options.json) {
    log(JSON.stringify(statuses, null, 2));
  } else {
    for (const [name, cluster] of Object.entries(context.topology.clusters)) {
      if (cluster.replicas.length === 0) continue;
      const { primary, replicas } = clusterNodes(context.topology, name, context.admin(name));
      const roles = await readNodeRoles([primary, ...replicas]);
      const { line, broken } = formatClusterPrimary(name, cluster.primary.name, roles);
      primariesBroken ||= broken;
      log(line);
    }
    for (const status of statuses) log(formatStatus(status));
    for (const [service, declared] of Object.entries(context.topology.services)) {
      if (!declared.sharding?.next || (services.length > 0 && !services.includes(service))) continue;
      const reshard = await reshardStatus(context, service);
      reshardBroken ||= reshard.links.some((link) => link.problem !== undefined && link.starting === undefined);
      log(formatReshard(reshard));
    }
  }
  const cutoverBroken = statuses.some((status) => status.problems.length > 0 || status.replication.some((link) => link.problem));
  return cutoverBroken || primariesBroken || reshardBroken ? 1 : 0;
}

/** A service being resharded (its topology declares sharding.next): the reshard's phase and links. */
export function formatReshard(status: ReshardStatus): string {
  const links = status.links.map(
    (link) =>
      `    ${link.name} ${link.route}: ${link.problem ?? (link.starting ? 'starting' : `running, lag ${link.lagBytes ?? 0} bytes`)}`,
  );
  return [`${status.service} reshard: phase ${status.phase ?? 'not started (neo-db reshard ' + status.service + ' copy)'}`, ...links].join(
    '\n',
  );
}

/** One cluster's nodes as they answer: which takes writes, and whether that is one node exactly. */
export function formatClusterPrimary(cluster: string, boundPrimary: string, roles: readonly NodeRole[]): { line: string; broken: boolean } {
  const primaries = roles.filter((role) => role.state === 'primary');
  const others = roles.filter((role) => role.state !== 'primary').map((role) => `${role.name} ${role.state}`);
  let head: string;
  if (primaries.length === 1) {
    const primary = primaries[0]!.name;
    head = `cluster ${cluster}: primary ${primary}${primary === boundPrimary ? '' : ` (failed over from ${boundPrimary})`}`;
  } else if (primaries.length === 0) {
    head = `cluster ${cluster}: ! no node takes writes (run neo-db failover ${cluster} to promote a replica)`;
  } else {
    head = `cluster ${cluster}: ! ${primaries.map((role) => role.name).join(' and ')} both take writes: fence one (neo-db failover ${cluster})`;
  }
  return { line: [head, ...others].join(' · '), broken: primaries.length !== 1 };
}

/** What a phase means for the operator, in words. */
const PHASES: Record<ServiceCutoverStatus['phase'], string> = {
  'not-started': 'not copied: it lives in the monolith only',
  copying: 'copying into its own databases (the initial copy runs in the servers; rerun neo-db copy to wait for it)',
  replicating: 'its own databases follow the monolith by replication (switch-writes can move writes there)',
  'switching-writes': 'writes are being moved to the service (if no command runs now, rerun neo-db switch-writes)',
  'writes-on-service': 'the monolith follows the service by replication (rollback moves everything back)',
  'rolling-back': 'writes are being moved back to the monolith (if no command runs now, rerun neo-db rollback)',
  finishing: 'the replication with the monolith is being removed (if no command runs now, rerun neo-db finish)',
  finished: 'finished: it lives in its own databases only, nothing replicates to or from the monolith (rollback is no longer possible)',
};

export function formatStatus(status: ServiceCutoverStatus): string {
  const lines = [`${status.service}: ${PHASES[status.phase]}`];
  if (status.flags) {
    const { readPercent, writeSide } = status.flags;
    lines.push(`  writes: on the ${writeSide}`);
    lines.push(`  reads:  ${describeReads(readPercent, writeSide)}`);
  }
  if (status.writeSide && status.flags && status.writeSide !== status.flags.writeSide) {
    lines.push(
      `  ! the databases' write guard says "${status.writeSide}" while the write flag says "${status.flags.writeSide}": writes are redirected to the guard's side; rerun the last cutover step`,
    );
  }
  for (const link of status.replication) lines.push(`  ${formatLink(link)}`);
  for (const problem of status.problems) lines.push(`  ! ${problem}`);
  return lines.join('\n');
}

function describeReads(percent: number, writeSide: 'monolith' | 'service'): string {
  if (writeSide === 'service') return 'on the service for every user (with writes on the service, reads go there too)';
  if (percent === 0) return '0 % of users read from the service: every read goes to the monolith';
  if (percent === 100) return '100 % of users read from the service (a user who just wrote reads from the monolith for a moment)';
  return `${percent} % of users read from the service (sticky by user id), the others from the monolith`;
}

function formatLink(link: LinkHealth): string {
  const direction = link.direction === 'forward' ? 'monolith → service' : 'service → monolith';
  const lag = `lag ${link.lagBytes ?? '?'} bytes${link.lagMs !== null ? `, ${link.lagMs.toFixed(1)} ms` : ''}`;
  const state = link.problem ? `BROKEN: ${link.problem}` : link.starting ? `starting: ${link.starting}` : `running, ${lag}`;
  return `${direction}  ${link.route}: ${state}`;
}
