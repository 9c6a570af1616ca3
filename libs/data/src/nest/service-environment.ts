import path from 'node:path';
import { OPERATOR_TOKEN_VARIABLE } from './http/operator-access.js';

/** Where the repository root is, from `libs/data/src/nest` or `libs/data/dist/nest` alike. */
const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');

/** The settings every service reads from its environment. */
export interface ServiceEnvironment {
  /** The topology file (`NEO_TOPOLOGY`); `config/topology.yaml` of the repository by default. */
  topologyPath: string;
  /** `NEO_ENDPOINTS`: JSON `{ "<cluster>/<node>": { host, port } }` written by the operator CLI when it starts the local topology. */
  endpointsPath: string | undefined;
  /** `PORT`; the service's own `defaultPort` when absent. */
  port: number;
  /** `HOST`; `127.0.0.1` when absent. */
  host: string;
  /** `NEO_OPERATOR_TOKEN`: the credential of the service's operator actions; absent, they are off. Never logged. */
  operatorToken: string | undefined;
}

/** Shortest operator token taken: a guessable one would open DDL to anyone who can reach the port. */
export const MIN_OPERATOR_TOKEN_LENGTH = 16;

export interface ServiceEnvironmentDefaults {
  /** The port the service listens on when `PORT` is not set. */
  defaultPort: number;
}

/** Reads a service's common settings from the environment; a bad value is refused with its name. */
export function readServiceEnvironment(env: NodeJS.ProcessEnv, { defaultPort }: ServiceEnvironmentDefaults): ServiceEnvironment {
  return {
    topologyPath: path.resolve(env['NEO_TOPOLOGY'] ?? path.join(REPO_ROOT, 'config/topology.yaml')),
    endpointsPath: env['NEO_ENDPOINTS'] ? path.resolve(env['NEO_ENDPOINTS']) : undefined,
    port: readPort(env['PORT'], defaultPort),
    host: env['HOST'] ?? '127.0.0.1',
    operatorToken: readOperatorToken(env[OPERATOR_TOKEN_VARIABLE]),
  };
}

function readOperatorToken(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  // The message gives the rule, never the value.
  if (value.length < MIN_OPERATOR_TOKEN_LENGTH || /\s/.test(value)) {
    throw new Error(
      `${OPERATOR_TOKEN_VARIABLE} must be at least ${MIN_OPERATOR_TOKEN_LENGTH} characters without spaces (e.g. the output of "openssl rand -hex 32"), or unset to turn operator actions off`,
    );
  }
  return value;
}

function readPort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a TCP port number (0-65535), got ${JSON.stringify(value)}`);
  }
  return port;
}
