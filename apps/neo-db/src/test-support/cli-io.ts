import { endpointKey, type Endpoints, type Topology } from '@neo/topology';
import type { CliOutput } from '../cli.js';

/** A CLI output that keeps what the command printed, for assertions. */
export function capturedOutput(): CliOutput & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (text: string) => (io.stdout += `${text}\n`),
    err: (text: string) => (io.stderr += `${text}\n`),
  };
  return io;
}

/** What a stopped `npm start` leaves behind: every node's endpoint, on a port nothing listens on. */
export function endpointsOfStoppedServers(topology: Topology, closedPort: number): Endpoints {
  const endpoints: Endpoints = {};
  for (const [cluster, declared] of Object.entries(topology.clusters)) {
    for (const node of [declared.primary, ...declared.replicas])
      endpoints[endpointKey(cluster, node.name)] = { host: '127.0.0.1', port: closedPort };
  }
  return endpoints;
}
