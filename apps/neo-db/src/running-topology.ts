import { existsSync, readFileSync } from 'node:fs';
import { bindTopology, loadTopology, type Endpoints, type Topology } from '@neo/data';
import type { WorkspacePaths } from './workspace-paths.js';

/**
 * The declared topology bound to the servers `neo-db up` started (the endpoints file it writes),
 * or as declared when nothing runs locally (servers declared with host and port).
 */
export function runningTopology(paths: WorkspacePaths): Topology {
  const declared = loadTopology({ path: paths.topologyFile });
  if (!existsSync(paths.endpointsFile)) return declared;
  return bindTopology(declared, JSON.parse(readFileSync(paths.endpointsFile, 'utf8')) as Endpoints);
}
