import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { endpointKey, primaryEndpointKey, type DeclaredNode, type Endpoints } from '@neo/topology';
import { writeCurrentPrimary, type RunningTopology } from '@neo/topology-runtime';

export interface RecordPrimaryOptions {
  /** The endpoints file the services and neo-db read (NEO_ENDPOINTS). */
  readonly endpointsFile: string;
  /** The data directory of the local runtime (`.neo/data`). */
  readonly localDataDir: string;
  /** Inside `neo-db up`: the runtime that runs the servers, which keeps the roles in memory too. */
  readonly running?: RunningTopology | undefined;
}

/**
 * Records that `node` is the primary of `cluster` now, where each reader finds it: `<cluster>:primary`
 * in the endpoints file (services started from now on, and neo-db, bind it as the primary), and
 * the local runtime's data directory (the next `npm start` starts it as the primary).
 */
export async function recordPrimary(cluster: string, node: DeclaredNode, options: RecordPrimaryOptions): Promise<void> {
  recordInEndpoints(options.endpointsFile, cluster, node);
  if (options.running?.recordPrimary) await options.running.recordPrimary(cluster, node.name);
  else await writeCurrentPrimary(options.localDataDir, cluster, node.name);
}

/** Adds `<cluster>:primary` to the endpoints file (written whole: services may read it at any time). */
function recordInEndpoints(file: string, cluster: string, node: DeclaredNode): void {
  if (!existsSync(file)) return;
  const endpoints = JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
  const address = endpoints[endpointKey(cluster, node.name)] ?? { host: node.host!, port: node.port! };
  // The whole entry: its CA and server-to-server address stay with it.
  endpoints[primaryEndpointKey(cluster)] = { ...address };
  writeFileSync(`${file}.tmp`, JSON.stringify(endpoints, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}
