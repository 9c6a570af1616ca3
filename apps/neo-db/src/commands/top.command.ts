import { allPhysicalNodes, endpointKey, pgClientConfig, type Topology } from '@neo/topology';
import { readKeyMetrics, type KeyMetrics } from '@neo/topology-runtime';
import type { AdminLogin } from '@neo/data/cutover';
import { NeoDbError } from '../neo-db.error.js';

export interface TopOptions {
  /** Statements shown per server, slowest by mean time first. */
  limit: number;
  json: boolean;
  /** Only these clusters (default: all). */
  clusters: string[];
  log: (line: string) => void;
}

export interface ServerKeyMetrics extends KeyMetrics {
  /** `<cluster>/<node>`. */
  node: string;
  role: 'primary' | 'replica';
}

/**
 * `neo-db top`: the seed's key-metrics SQL on every server of the running topology, per cluster
 * and database: backends and size per database, and the statements with the highest mean time
 * (pg_stat_statements). Exit 1 when a server does not answer.
 */
export async function topCommand(topology: Topology, admin: (cluster: string) => AdminLogin, options: TopOptions): Promise<number> {
  const unknown = options.clusters.filter((name) => !Object.hasOwn(topology.clusters, name));
  if (unknown.length > 0) {
    throw new NeoDbError(
      `no cluster ${unknown.join(', ')} in the topology; the clusters are: ${Object.keys(topology.clusters).join(', ')}`,
      'usage',
    );
  }
  const nodes = allPhysicalNodes(topology).filter((node) => options.clusters.length === 0 || options.clusters.includes(node.cluster));
  const results: ServerKeyMetrics[] = [];
  let failed = false;
  for (const node of nodes) {
    const name = endpointKey(node.cluster, node.node);
    try {
      const metrics = await readKeyMetrics(
        { ...pgClientConfig({ host: node.host!, port: node.port!, ...admin(node.cluster), tls: node.tls }), connectionTimeoutMillis: 5000 },
        { limit: options.limit, primary: node.role === 'primary' },
      );
      results.push({ node: name, role: node.role, ...metrics });
    } catch (error) {
      failed = true;
      options.log(`${name} (${node.role}): does not answer: ${(error as Error).message}`);
    }
  }
  if (options.json) options.log(JSON.stringify(results, null, 2));
  else for (const result of results) options.log(formatServer(result));
  return failed ? 1 : 0;
}

export function formatServer(server: ServerKeyMetrics): string {
  const lines = [`${server.node} (${server.role})`];
  const width = Math.max(8, ...server.databases.map((row) => row.datname.length));
  lines.push(`  ${'database'.padEnd(width)}  backends  size`);
  for (const row of server.databases) lines.push(`  ${row.datname.padEnd(width)}  ${String(row.numbackends).padStart(8)}  ${row.size}`);
  if (server.statementsUnavailable) {
    lines.push(`  statements: ${server.statementsUnavailable}`);
  } else {
    lines.push('  slowest statements by mean time:');
    lines.push(`  ${'mean ms'.padStart(9)}  ${'calls'.padStart(8)}  ${'total ms'.padStart(10)}  ${'database'.padEnd(width)}  statement`);
    for (const row of server.statements) {
      lines.push(
        `  ${row.mean_exec_time.toFixed(2).padStart(9)}  ${String(row.calls).padStart(8)}  ${row.total_exec_time.toFixed(1).padStart(10)}  ${row.datname.padEnd(width)}  ${oneLine(row.query, 80)}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The command line of `neo-db top`, checked. */
export function topOptions(
  values: Record<string, string | boolean | undefined>,
  clusters: string[],
  log: (line: string) => void,
): TopOptions {
  const limitText = (values['limit'] as string | undefined) ?? '5';
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > 1000)
    throw new NeoDbError(`--limit must be a whole number from 1 to 1000 (got "${limitText}")`, 'usage');
  return { limit, json: values['json'] === true, clusters, log };
}
