import type { Topology } from '@neo/topology';
import type { FailoverNode } from '@neo/topology-runtime';
import type { AdminLogin } from '@neo/data/cutover';

/**
 * Every node of a bound cluster, primary first, as neo-db reaches it with the cluster's admin
 * login: over TLS when the cluster is (the default), verified with its CA.
 */
export function clusterNodes(
  topology: Topology,
  clusterName: string,
  login: AdminLogin,
): { primary: FailoverNode; replicas: FailoverNode[] } {
  const cluster = topology.clusters[clusterName]!;
  const node = (declared: { name: string; host?: string | undefined; port?: number | undefined }): FailoverNode => ({
    name: declared.name,
    target: { host: declared.host!, port: declared.port!, user: login.user, password: login.password, tls: cluster.tls },
  });
  return { primary: node(cluster.primary), replicas: cluster.replicas.map(node) };
}
