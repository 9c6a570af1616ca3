import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { endpointKey, primaryEndpointKey, type Endpoints, type Topology } from '@neo/topology';
import { promoteReplica, type FailoverNode } from '@neo/topology-runtime';
import type { AdminLogin } from '@neo/data/cutover';
import { NeoDbError } from '../neo-db.error.js';

export interface FailoverCommandOptions {
  readonly to?: string;
  readonly maxLagBytes?: number;
  /** The endpoints file the running services read (NEO_ENDPOINTS); updated with the cluster's new primary. */
  readonly endpointsFile: string;
  readonly log: (line: string) => void;
}

/**
 * `neo-db failover <cluster> [--to <replica>]`: fences the primary if it answers, promotes a
 * replica, points the others at it, and records the new primary in the endpoints file so services
 * started from now on bind it as the primary (running services find it by themselves).
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
  const login = admin(clusterName);
  const node = (declared: { name: string; host?: string | undefined; port?: number | undefined }): FailoverNode => ({
    name: declared.name,
    target: { host: declared.host!, port: declared.port!, user: login.user, password: login.password, tls: cluster.tls },
  });

  const started = performance.now();
  const result = await promoteReplica({
    cluster: clusterName,
    primary: node(cluster.primary),
    replicas: cluster.replicas.map(node),
    ...(options.to !== undefined ? { to: options.to } : {}),
    ...(options.maxLagBytes !== undefined ? { maxLagBytes: options.maxLagBytes } : {}),
    log: options.log,
  });
  const promoted = cluster.replicas.find((replica) => replica.name === result.promoted)!;
  recordPrimary(options.endpointsFile, clusterName, endpointKey(clusterName, promoted.name), promoted);

  options.log(
    `${clusterName}: ${result.promoted} is the primary now (${Math.round(performance.now() - started)} ms). ` +
      `Old primary ${cluster.primary.name}: ${result.oldPrimary === 'read-only' ? 'fenced read-only, its sessions ended' : 'did not answer (leave it stopped)'}.`,
  );
  for (const failed of result.notRepointed) options.log(`  ${failed.name} still follows no primary: ${failed.reason}`);
  options.log('Running services move their writes there at their next replica poll; nothing to restart.');
  return result.notRepointed.length > 0 ? 1 : 0;
}

/** Adds `<cluster>:primary` to the endpoints file (written atomically: services may read it at any time). */
function recordPrimary(file: string, cluster: string, key: string, node: { host?: string | undefined; port?: number | undefined }): void {
  if (!existsSync(file)) return;
  const endpoints = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
  const address = endpoints[key] ?? { host: node.host!, port: node.port! };
  // The whole entry: its CA and server-to-server address stay with it.
  endpoints[primaryEndpointKey(cluster)] = { ...address };
  writeFileSync(`${file}.tmp`, JSON.stringify(endpoints, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}
