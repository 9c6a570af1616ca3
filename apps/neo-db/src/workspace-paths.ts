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
  /** The flag defaults the repository declares (config/flags.yaml): read, never written. */
  declaredFlagsFile: string;
  /**
   * The flags of the running topology: seeded from the declared defaults, read by the services
   * `neo-db up` starts and changed by the cutover commands. Outside tracked files, beside the data.
   */
  flagsFile: string;
  /** While `npm start -- --flags unleash` runs: where its Unleash listens, so the cutover commands change the flags there. */
  unleashRecordFile: string;
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
    declaredFlagsFile: join(root, 'config', 'flags.yaml'),
    flagsFile: env['NEO_FLAGS_FILE'] || join(dirname(localDataDir), 'flags.yaml'),
    unleashRecordFile: join(dirname(localDataDir), 'unleash.json'),
    prismaRoot: join(root, 'prisma'),
  };
}
