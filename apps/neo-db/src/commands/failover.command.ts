import type { Topology } from '@neo/topology';
import type { AdminLogin } from '@neo/data/cutover';
import { failOverCluster } from '../failover/fail-over-cluster.js';
import type { LinkRepairSettings } from '../failover/repair-cutover-links.js';
import { NeoDbError } from '../neo-db.error.js';

export interface FailoverCommandOptions {
  readonly to?: string;
  readonly maxLagBytes?: number;
  /** The endpoints file the running services read (NEO_ENDPOINTS); updated with the cluster's new primary. */
  readonly endpointsFile: string;
  /** The local runtime's data directory, where the new primary is recorded for the next `npm start`. */
  readonly localDataDir: string;
  readonly log: (line: string) => void;
  /** How to reach the cutover's servers: the links with an end on the cluster are rebuilt after the promotion. */
  readonly cutover?: LinkRepairSettings;
}

/**
 * `neo-db failover <cluster> [--to <replica>]`: fences the primary if it answers, promotes a
 * replica, points the others at it, and records the new primary in the endpoints file so services
 * started from now on bind it as the primary (running services find it by themselves), and in the
 * local runtime's data directory so the next `npm start` starts it as the primary. Then rebuilds the
 * cutover links with an end on the cluster (see `neo-db resync`); exit 1 when one could not be.
 */
export async function failoverCommand(
  topology: Topology,
  admin: (cluster: string) => AdminLogin,
  positionals: string[],
  options: FailoverCommandOptions,
): Promise<number> {
  const [clusterName, ...extra] = positionals;
  if (clusterName === undefined || extra.length > 0)
    throw new NeoDbError('name the one cluster to fail over, e.g. neo-db failover core', 'usage');
  const cluster = topology.clusters[clusterName];
  if (!cluster)
    throw new NeoDbError(`there is no cluster "${clusterName}"; clusters: ${Object.keys(topology.clusters).join(', ')}`, 'usage');
  if (cluster.replicas.length === 0) {
    throw new Error(`cluster "${clusterName}" has no replicas: there is nothing to promote. Restart or restore its primary instead.`);
  }
  if (options.to !== undefined && !cluster.replicas.some((node) => node.name === options.to)) {
    throw new NeoDbError(
      `--to ${options.to} is not a replica of ${clusterName}; its replicas: ${cluster.replicas.map((node) => node.name).join(', ')} ` +
        `(its primary now is ${cluster.primary.name})`,
      'usage',
    );
  }
  const { result, durationMs, cutoverLinks } = await failOverCluster(topology, clusterName, admin(clusterName), {
    to: options.to,
    maxLagBytes: options.maxLagBytes,
    endpointsFile: options.endpointsFile,
    localDataDir: options.localDataDir,
    log: options.log,
    cutover: options.cutover,
  });

  options.log(
    `${clusterName}: ${result.promoted} is the primary now (${Math.round(durationMs)} ms). ` +
      `Old primary ${cluster.primary.name}: ${result.oldPrimary === 'read-only' ? `fenced read-only, its sessions ended; make it a replica again with: neo-db rejoin ${clusterName} ${cluster.primary.name}` : `did not answer; bring it back as a replica with: neo-db rejoin ${clusterName} ${cluster.primary.name}`}.`,
  );
  for (const failed of result.notRepointed) options.log(`  ${failed.name} still follows no primary: ${failed.reason}`);
  options.log('Running services move their writes there at their next replica poll; nothing to restart.');
  const unrepaired = cutoverLinks.filter((repair) => repair.outcome !== 'resynced');
  return result.notRepointed.length > 0 || unrepaired.length > 0 ? 1 : 0;
}
