import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file that holds nx.json. */
export function findWorkspaceRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  let dir = resolve(start);
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('neo-db must run inside the repository: no nx.json found above ' + start);
    dir = parent;
  }
  return dir;
}

export interface WorkspacePaths {
  root: string;
  topologyFile: string;
  /** Where `neo-db up` keeps the local servers' data between runs. */
  localDataDir: string;
  /** Host/port of every running node, written for the services to read. */
  endpointsFile: string;
  prismaRoot: string;
}

export function workspacePaths(root = findWorkspaceRoot(), env: NodeJS.ProcessEnv = process.env): WorkspacePaths {
  const localDataDir = env['NEO_DATA_DIR'] ?? join(root, '.neo', 'data');
  return {
    root,
    topologyFile: env['NEO_TOPOLOGY'] ?? join(root, 'config', 'topology.yaml'),
    localDataDir,
    // beside the data it describes, so a second topology (another NEO_DATA_DIR) has its own
    endpointsFile: env['NEO_ENDPOINTS'] ?? join(dirname(localDataDir), 'endpoints.json'),
    prismaRoot: join(root, 'prisma'),
  };
}
