import type { Topology } from '@neo/topology';
import { promoteReplica, type FailoverResult } from '@neo/topology-runtime';
import type { AdminLogin } from '@neo/data/cutover';
import { clusterNodes } from './cluster-nodes.js';
import { recordPrimary, type RecordPrimaryOptions } from './record-primary.js';
import { repairCutoverLinks, type CutoverLinkRepair, type LinkRepairSettings } from './repair-cutover-links.js';

export interface FailOverClusterOptions extends RecordPrimaryOptions {
  /** Promote this replica; default: the most caught-up one. */
  readonly to?: string | undefined;
  readonly maxLagBytes?: number | undefined;
  readonly log: (line: string) => void;
  /**
   * How to reach the cutover's servers (admin logins, Prisma schemas): with it, every cutover link
   * with an end on the cluster is rebuilt on the new primary once it is recorded. Absent: links are left alone.
   */
  readonly cutover?: LinkRepairSettings | undefined;
}

export interface ClusterFailover {
  readonly oldPrimary: string;
  readonly newPrimary: string;
  readonly result: FailoverResult;
  /** Fencing, promotion, repointing and recording the new primary; the link repair comes after. */
  readonly durationMs: number;
  /** The cutover links repaired per service (empty when none touched the cluster, or no `cutover` was given). */
  readonly cutoverLinks: readonly CutoverLinkRepair[];
  /** How long the link repair took, verify included. */
  readonly cutoverLinksMs: number;
}

/**
 * The failover both `neo-db failover` and the watchdog of `neo-db up --auto-failover` run: fences
 * the cluster's primary (`topology` bound with its current roles), promotes a replica, points the
 * others at it (`promoteReplica`), and records the promoted node as the primary (`recordPrimary`).
 * Then, with `options.cutover`, rebuilds the cutover links with an end on the cluster
 * (PostgreSQL 15 does not carry logical slots over to a promoted replica).
 */
export async function failOverCluster(
  topology: Topology,
  clusterName: string,
  login: AdminLogin,
  options: FailOverClusterOptions,
): Promise<ClusterFailover> {
  const cluster = topology.clusters[clusterName]!;
  const { primary, replicas } = clusterNodes(topology, clusterName, login);
  const started = performance.now();
  const result = await promoteReplica({
    cluster: clusterName,
    primary,
    replicas,
    ...(options.to !== undefined ? { to: options.to } : {}),
    ...(options.maxLagBytes !== undefined ? { maxLagBytes: options.maxLagBytes } : {}),
    log: options.log,
  });
  const promoted = cluster.replicas.find((replica) => replica.name === result.promoted)!;
  await recordPrimary(clusterName, promoted, options);
  const durationMs = performance.now() - started;
  const cutoverLinks = options.cutover ? await repairCutoverLinks(options.cutover, topology, clusterName, promoted.name, options.log) : [];
  const cutoverLinksMs = performance.now() - started - durationMs;
  return { oldPrimary: cluster.primary.name, newPrimary: promoted.name, result, durationMs, cutoverLinks, cutoverLinksMs };
}
