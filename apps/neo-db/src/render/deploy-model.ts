import { databasesByCluster, type Cluster, type ServiceDatabase, type Shard, type Topology } from '@neo/topology';
import { localServices } from '../local-services.js';
import { SERVICE_SECRETS } from '../local-secrets.js';

/** What both renderers need from the topology, named once. */
export interface DeployModel {
  clusters: DeployCluster[];
  services: DeployService[];
  /** Every password variable of the topology and its Secret, which `neo-db provision` reads. */
  passwordSecrets: SecretVariable[];
}

export interface DeployCluster {
  name: string;
  declared: Cluster;
  /** Databases the cluster holds: service databases, shards and the monolith. */
  databases: string[];
  /** The environment variable that holds the cluster role's password (`CORE_DB_PASSWORD`). */
  passwordVariable: string;
  /** Database → the owner role of the service it belongs to, where the service declares roles (`neo-db provision` hands it over). */
  databaseOwners: Record<string, string>;
}

export interface DeployService {
  /** The Nx app (and container/Deployment) name. */
  app: string;
  /** The topology service it serves. */
  topologyService: string;
  /** Clusters it talks to: its own, its shards', and the monolith's (for rollback). */
  clusters: string[];
  /** The variables its own roles' passwords come from (`app`, `readonly`), when the topology declares roles. */
  roleVariables: Array<{ role: 'owner' | 'app' | 'readonly'; variable: string }>;
  /** Variables of its other secrets (a master key), each read from a secret, never written in a deploy file. */
  secretVariables: string[];
}

/** The HTTP port every service listens on inside its container or pod. */
export const SERVICE_PORT = 3000;

/** Ports the PgBouncer of each cluster and PostgreSQL listen on. */
export const POSTGRES_PORT = 5432;
export const PGBOUNCER_PORT = 6432;

/** The seed's PgBouncer settings (§4), used by compose and by the CloudNativePG Pooler alike. */
export const PGBOUNCER_SETTINGS = {
  pool_mode: 'transaction',
  max_client_conn: '1000',
  default_pool_size: '25',
  min_pool_size: '10',
  reserve_pool_size: '5',
  reserve_pool_timeout: '3',
  server_lifetime: '3600',
  server_idle_timeout: '600',
} as const;

/** A moment before any rollover adds a shard: the layout as declared. */
const DECLARED_LAYOUT = new Date(0);

export function deployModel(
  topology: Topology,
  passwordVariables: Record<string, string>,
  roleVariables: Record<string, DeployService['roleVariables']> = {},
  passwordSecrets: SecretVariable[] = [],
): DeployModel {
  // The declared shards only, so a render does not depend on the day it runs: shards a rollover
  // adds later are made by the deployment's provisioning (`neo-db provision`, `neo-db maintain`).
  const databases = databasesByCluster(topology, DECLARED_LAYOUT);
  const clusters = Object.entries(topology.clusters).map(([name, declared]) => {
    const passwordVariable = passwordVariables[name];
    if (!passwordVariable) {
      throw new Error(
        `clusters.${name}.credentials.password must be written as \${SOME_DB_PASSWORD} (optionally with :-a local default) so deploy files reference a secret instead of holding the password`,
      );
    }
    const databaseOwners: Record<string, string> = {};
    for (const service of Object.values(topology.services)) {
      if (!service.roles) continue;
      if (service.cluster === name) databaseOwners[service.database] = service.roles.owner.user;
      for (const shard of declaredShards(service)) {
        if ((shard.cluster ?? service.cluster) === name) databaseOwners[shard.database] = service.roles.owner.user;
      }
    }
    return { name, declared, databases: databases[name] ?? [], passwordVariable, databaseOwners };
  });
  const services = localServices
    .filter((service) => Object.hasOwn(topology.services, service.topologyService))
    .map((service) => {
      const declared = topology.services[service.topologyService]!;
      const used = [
        declared.cluster,
        ...declaredShards(declared).map((shard) => shard.cluster ?? declared.cluster),
        topology.monolith.cluster,
      ];
      return {
        app: service.app,
        topologyService: service.topologyService,
        clusters: [...new Set(used)],
        roleVariables: roleVariables[service.topologyService] ?? [],
        secretVariables: SERVICE_SECRETS.filter((secret) => secret.service === service.topologyService).map((secret) => secret.env),
      };
    });
  return { clusters, services, passwordSecrets };
}

/** The variable a login's password is written as, before `${VAR}` is filled in: `${CORE_DB_PASSWORD:-local}` → `CORE_DB_PASSWORD`. */
function passwordVariable(login: { password?: unknown } | undefined): string | undefined {
  return /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}$/.exec(String(login?.password ?? ''))?.[1];
}

/**
 * The variable each cluster's password comes from, read from the topology file as written
 * (before `${VAR}` is filled in): `${CORE_DB_PASSWORD:-local}` → `CORE_DB_PASSWORD`.
 */
export function passwordVariablesOf(rawTopology: unknown): Record<string, string> {
  const clusters = (rawTopology as { clusters?: Record<string, { credentials?: { password?: unknown } }> }).clusters ?? {};
  const result: Record<string, string> = {};
  for (const [name, cluster] of Object.entries(clusters)) {
    const variable = passwordVariable(cluster.credentials);
    if (variable) result[name] = variable;
  }
  return result;
}

/**
 * The variables the services' run-time roles take their passwords from, read from the topology
 * as written: `services.storage.roles.app.password: ${STORAGE_APP_DB_PASSWORD:-…}` → `STORAGE_APP_DB_PASSWORD`.
 * A service that keeps partitioned tables also runs their DDL as its owner role, so it gets that one too.
 */
export function roleVariablesOf(rawTopology: unknown): Record<string, DeployService['roleVariables']> {
  type RawRoles = Partial<Record<'owner' | 'app' | 'readonly', { password?: unknown }>>;
  const services = (rawTopology as { services?: Record<string, { roles?: RawRoles; partitioning?: unknown }> }).services ?? {};
  const result: Record<string, DeployService['roleVariables']> = {};
  for (const [name, service] of Object.entries(services)) {
    const roles = service.partitioning ? (['owner', 'app', 'readonly'] as const) : (['app', 'readonly'] as const);
    result[name] = roles.flatMap((role) => {
      const variable = passwordVariable(service.roles?.[role]);
      return variable ? [{ role, variable }] : [];
    });
  }
  return result;
}

/** `0 2 * * *` (cron) → `0 0 2 * * *` (CloudNativePG's schedule has a seconds field first). */
export function withSeconds(cron: string): string {
  return cron.trim().split(/\s+/).length === 5 ? `0 ${cron.trim()}` : cron.trim();
}

/** Where one `${VAR}` of the topology comes from in Kubernetes: a Secret's key. */
export interface SecretVariable {
  variable: string;
  secret: string;
  key: string;
}

/**
 * Every password variable the topology names, with the Secret and key it comes from in
 * Kubernetes: a cluster's role (`neo-<cluster>-credentials`, `password`) and its replication role
 * (same Secret, `replication`), a service's roles (`neo-<service>-credentials`, `owner`/`app`/`readonly`).
 * `neo-db provision` needs them all: it loads the whole topology and sets every role's password.
 */
export function passwordSecretsOf(rawTopology: unknown): SecretVariable[] {
  type RawLogin = { password?: unknown } | undefined;
  const raw = rawTopology as {
    clusters?: Record<string, { credentials?: RawLogin; replication?: RawLogin }>;
    services?: Record<string, { roles?: Record<string, RawLogin> }>;
  };
  const result: SecretVariable[] = [];
  const add = (login: RawLogin, secret: string, key: string): void => {
    const variable = passwordVariable(login);
    if (variable) result.push({ variable, secret, key });
  };
  for (const [name, cluster] of Object.entries(raw.clusters ?? {})) {
    add(cluster.credentials, `neo-${name}-credentials`, 'password');
    add(cluster.replication, `neo-${name}-credentials`, 'replication');
  }
  for (const [name, service] of Object.entries(raw.services ?? {})) {
    for (const [role, login] of Object.entries(service.roles ?? {})) add(login, `neo-${name}-credentials`, role);
  }
  return result;
}

/** The shards the topology declares, in both layouts during a reshard: a render does not depend on the day it runs (no rollover). */
function declaredShards(service: ServiceDatabase): Shard[] {
  return [...(service.sharding?.shards ?? []), ...(service.sharding?.next?.shards ?? [])];
}
