import path from 'node:path';

/** Where the repository root is, from `src/` or `dist/` alike. */
const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

export const DEFAULT_SMART_CONTRACTS_PORT = 3103;

export interface SmartContractsEnvironment {
  /** The topology file (`NEO_TOPOLOGY`); `config/topology.yaml` of the repository by default. */
  topologyPath: string;
  /** `NEO_ENDPOINTS`: JSON `{ "<cluster>/<node>": { host, port } }` written by the operator CLI when it starts the local topology. */
  endpointsPath: string | undefined;
  port: number;
  host: string;
}

/** Reads the service's settings from the environment; a bad value is refused with its name. */
export function readSmartContractsEnvironment(env: NodeJS.ProcessEnv = process.env): SmartContractsEnvironment {
  return {
    topologyPath: path.resolve(env.NEO_TOPOLOGY ?? path.join(REPO_ROOT, 'config/topology.yaml')),
    endpointsPath: env.NEO_ENDPOINTS ? path.resolve(env.NEO_ENDPOINTS) : undefined,
    port: readPort(env.PORT, DEFAULT_SMART_CONTRACTS_PORT),
    host: env.HOST ?? '127.0.0.1',
  };
}

function readPort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a TCP port number (0-65535), got ${JSON.stringify(value)}`);
  }
  return port;
}
