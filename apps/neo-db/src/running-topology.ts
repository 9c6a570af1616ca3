import { existsSync, readFileSync } from 'node:fs';
import { bindTopology, loadTopology, type Endpoints, type Topology } from '@neo/data';
import { NeoDbError } from './neo-db.error.js';
import type { WorkspacePaths } from './workspace-paths.js';

/**
 * The declared topology bound to the servers `neo-db up` started (the endpoints file it writes),
 * or as declared when nothing runs locally (servers declared with host and port).
 */
export function runningTopology(paths: WorkspacePaths): Topology {
  const declared = loadTopology({ path: paths.topologyFile });
  const topology = existsSync(paths.endpointsFile)
    ? bindTopology(declared, JSON.parse(readFileSync(paths.endpointsFile, 'utf8')) as Endpoints)
    : declared;
  const unbound = Object.entries(topology.clusters).flatMap(([name, cluster]) =>
    [cluster.primary, ...cluster.replicas].filter((node) => !node.host || !node.port).map((node) => `${name}/${node.name}`),
  );
  if (unbound.length > 0) {
    throw new NeoDbError(
      'Nothing is running yet. Start the local topology first with `npm start` and keep it running; run neo-db in another terminal.\n' +
        `(No servers were started here: ${paths.endpointsFile} does not exist, and the topology gives no host/port for ${unbound.slice(0, 2).join(', ')}${unbound.length > 2 ? ', …' : ''}.)`,
      'not-running',
    );
  }
  return topology;
}
