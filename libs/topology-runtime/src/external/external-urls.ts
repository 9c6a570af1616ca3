import { TopologyRuntimeError } from '../errors.js';
import type { ClusterPlan } from '../topology-plan.js';

/** One server given by URL, split into the parts a client needs. */
export interface ServerUrl {
  host: string;
  port: number;
  user?: string;
  password?: string;
  /** The database named in the URL, used for administrative connections. */
  database: string;
}

export interface ExternalClusterServers {
  primary: ServerUrl;
  /** Replica name → server; replicas without a URL are absent. */
  replicas: Record<string, ServerUrl>;
}

/** `core` → `CORE`, `core-replica-1` → `CORE_REPLICA_1`. */
export function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Reads which servers run each cluster: `NEO_PG_URL_<CLUSTER>` for its primary
 * (or `NEO_PG_URL` for every cluster), `NEO_PG_URL_<CLUSTER>_<NODE>` for a replica.
 */
export function readExternalServers(plans: ClusterPlan[], env: NodeJS.ProcessEnv): Record<string, ExternalClusterServers> {
  const servers: Record<string, ExternalClusterServers> = {};
  for (const plan of plans) {
    const clusterVariable = `NEO_PG_URL_${envName(plan.name)}`;
    const primaryUrl = env[clusterVariable] ?? env['NEO_PG_URL'];
    if (!primaryUrl) {
      throw new TopologyRuntimeError(
        'RUNTIME_EXTERNAL_URL_MISSING',
        `The external provider needs a server for cluster "${plan.name}": set ${clusterVariable} or NEO_PG_URL (postgresql://user:password@host:port/postgres).`,
      );
    }
    const replicas: Record<string, ServerUrl> = {};
    for (const replica of plan.cluster.replicas) {
      const variable = `${clusterVariable}_${envName(replica.name)}`;
      const url = env[variable];
      if (url) replicas[replica.name] = parseServerUrl(url, variable);
    }
    servers[plan.name] = { primary: parseServerUrl(primaryUrl, env[clusterVariable] ? clusterVariable : 'NEO_PG_URL'), replicas };
  }
  return servers;
}

export function parseServerUrl(text: string, variable: string): ServerUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    // The URL may hold a password: the message names the variable, not its value.
    throw new TopologyRuntimeError(
      'RUNTIME_EXTERNAL_URL_INVALID',
      `${variable} is not a valid URL; expected postgresql://user:password@host:port/database.`,
      { cause },
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new TopologyRuntimeError('RUNTIME_EXTERNAL_URL_INVALID', `${variable} must start with postgresql:// (found ${url.protocol}//).`);
  }
  return {
    host: decodeURIComponent(url.hostname) || '127.0.0.1',
    port: url.port ? Number(url.port) : 5432,
    ...(url.username ? { user: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
  };
}
