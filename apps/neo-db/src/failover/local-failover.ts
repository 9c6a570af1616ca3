import { endpointKey, type Topology } from '@neo/topology';
import { readCurrentPrimary, type FailoverNode, type RunningTopology } from '@neo/topology-runtime';
import { failOverCluster, type ClusterFailover } from './fail-over-cluster.js';
import { linkRepairSettings } from '../cutover-commands.js';
import type { WorkspacePaths } from '../workspace-paths.js';

/** Why a rejoin or a failover was not done; the message says what to do instead. */
export class FailoverRefusal extends Error {}

/**
 * The failover operations of the process that runs the servers (`neo-db up`): fail a cluster over,
 * bring a node back as a replica. One operation at a time per cluster, so the watchdog and
 * `neo-db rejoin` never work on the same cluster at once. The current primary is read each time
 * from what the runtime recorded, so a `neo-db failover` run from another terminal is seen too.
 */
export class LocalFailover {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly running: RunningTopology,
    private readonly paths: WorkspacePaths,
    private readonly log: (line: string) => void,
  ) {}

  /** Clusters with replicas: those that can fail over. */
  get clusters(): string[] {
    return Object.entries(this.running.topology.clusters)
      .filter(([, cluster]) => cluster.replicas.length > 0)
      .map(([name]) => name);
  }

  /** The node that takes writes in `cluster` now: the last one recorded by a failover, else the declared primary. */
  async currentPrimary(cluster: string): Promise<string> {
    const recorded = await readCurrentPrimary(this.running.dataDir ?? this.paths.localDataDir, cluster);
    const nodes = this.nodeNames(cluster);
    return recorded && nodes.includes(recorded.primary) ? recorded.primary : this.declared(cluster).primary.name;
  }

  /** A node as the failover reaches it: its address now and the runtime's superuser. */
  node(cluster: string, name: string): FailoverNode {
    const endpoint = this.running.endpoints[endpointKey(cluster, name)]!;
    const admin = this.running.admin[cluster]!;
    return { name, target: { host: endpoint.host, port: endpoint.port, user: admin.user, password: admin.password, tls: admin.tls } };
  }

  /**
   * Promotes a replica of `cluster` (fencing its primary first) and records it as the primary.
   * With `expected`, refused when another node became the primary meanwhile (a `neo-db failover`
   * from another terminal): failing over again would fence a healthy primary.
   */
  failOver(cluster: string, expected?: string): Promise<ClusterFailover> {
    return this.serialized(cluster, async () => {
      const primary = await this.currentPrimary(cluster);
      if (expected !== undefined && primary !== expected) {
        throw new FailoverRefusal(`${expected} is no longer the primary of ${cluster} (${primary} is since): nothing to fail over`);
      }
      return failOverCluster(this.withPrimary(cluster, primary), cluster, this.running.admin[cluster]!, {
        endpointsFile: this.paths.endpointsFile,
        localDataDir: this.paths.localDataDir,
        running: this.running,
        log: this.log,
        // Cutover links with an end on the cluster are rebuilt on the promoted node.
        cutover: linkRepairSettings(this.paths, this.running.topology, this.log),
      });
    });
  }

  /**
   * Clones `node` afresh from the current primary and starts it streaming from there. Refused for
   * the primary itself, and for a cluster or node the topology does not have.
   */
  rejoin(cluster: string, node: string): Promise<{ primary: string; ms: number }> {
    return this.serialized(cluster, async () => {
      if (!this.running.topology.clusters[cluster]) {
        throw new FailoverRefusal(`there is no cluster "${cluster}"; clusters: ${Object.keys(this.running.topology.clusters).join(', ')}`);
      }
      const nodes = this.nodeNames(cluster);
      if (!nodes.includes(node)) throw new FailoverRefusal(`${cluster} has no node "${node}"; its nodes: ${nodes.join(', ')}`);
      const primary = await this.currentPrimary(cluster);
      if (node === primary) {
        throw new FailoverRefusal(
          `${node} is the primary of ${cluster} now: it takes the writes, so it cannot rejoin as a replica. ` +
            `To make it one, fail over first (neo-db failover ${cluster}), then rejoin it.`,
        );
      }
      if (!this.running.rejoinAsReplica) {
        throw new FailoverRefusal(`the ${this.running.provider} provider cannot rebuild a node; only embedded servers can rejoin`);
      }
      const started = performance.now();
      await this.running.rejoinAsReplica(cluster, node, primary);
      return { primary, ms: performance.now() - started };
    });
  }

  /** Runs `work` once the cluster's earlier operations have ended. */
  private serialized<T>(cluster: string, work: () => Promise<T>): Promise<T> {
    const result = (this.queues.get(cluster) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.queues.set(cluster, result);
    return result;
  }

  private declared(cluster: string): Topology['clusters'][string] {
    return this.running.topology.clusters[cluster]!;
  }

  private nodeNames(cluster: string): string[] {
    const declared = this.running.topology.clusters[cluster];
    return declared ? [declared.primary, ...declared.replicas].map((node) => node.name) : [];
  }

  /** The running topology with `primary` as the cluster's primary and every other node as its replica. */
  private withPrimary(cluster: string, primary: string): Topology {
    const topology = structuredClone(this.running.topology);
    const declared = topology.clusters[cluster]!;
    const nodes = [declared.primary, ...declared.replicas];
    declared.primary = nodes.find((node) => node.name === primary)!;
    declared.replicas = nodes.filter((node) => node.name !== primary);
    return topology;
  }
}
