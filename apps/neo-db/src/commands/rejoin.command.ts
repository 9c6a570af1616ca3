import { requestRejoin } from '../control/control-channel.js';
import { NeoDbError } from '../neo-db.error.js';
import type { WorkspacePaths } from '../workspace-paths.js';

/**
 * `neo-db rejoin <cluster> <node>`: brings a node (a dead or fenced old primary, or a replica
 * that no longer follows) back as a replica of the cluster's primary now, through the `npm start`
 * that runs the servers: a fresh clone, then streaming. Refused for the primary itself.
 */
export async function rejoinCommand(positionals: string[], paths: WorkspacePaths, log: (line: string) => void): Promise<number> {
  const [cluster, node, ...extra] = positionals;
  if (cluster === undefined || node === undefined || extra.length > 0) {
    throw new NeoDbError('name the cluster and the node to bring back, e.g. neo-db rejoin core core-primary', 'usage');
  }
  log(`${cluster}: cloning ${node} again from the primary (the running npm start does it)…`);
  log(await requestRejoin(paths.localDataDir, cluster, node));
  return 0;
}
