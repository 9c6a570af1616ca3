import { isBound } from './bind-topology.js';
import { serviceShards } from './effective-shards.js';
import { pgbouncerEntryName } from './pgbouncer-entries.js';
import type { DataNode } from './data-node.js';
import { allLayoutShards, type ShardLayout } from './shard-layouts.js';
import { TopologyError } from './topology.error.js';
import type {
  Cluster,
  Credentials,
  DeclaredNode,
  PoolSettings,
  Role,
  ServiceDatabase,
  ServiceLogin,
  Shard,
  TlsSettings,
  Topology,
} from './topology.schema.js';

/** The primary and replicas serving one database. */
export interface ReplicaSetTargets {
  primary: DataNode;
  replicas: DataNode[];
}

export interface ShardTargets extends ReplicaSetTargets {
  shard: Shard;
}

/** A server of the topology, whatever databases it holds. */
export interface PhysicalNode {
  cluster: string;
  node: string;
  role: Role;
  /** Absent until the topology runtime binds the node (see `bindTopology`). */
  host?: string;
  port?: number;
  /** False for a node the topology runtime still has to start. */
  bound: boolean;
  weight: number;
  /** The cluster's TLS: how a client verifies this server (see `pgClientConfig`). */
  tls?: TlsSettings;
}

/**
 * The targets of a service's own database: its cluster's primary and replicas. For a
 * sharded service this is its home database, where the models that are not sharded live.
 */
export function serviceTargets(topology: Topology, service: string, login: ServiceLogin = 'app'): ReplicaSetTargets {
  const declared = findService(topology, service);
  return replicaSet(topology, declared.cluster, declared.database, declared, login);
}

/**
/**
 * One entry per shard of a sharded service, in declaration order; empty for an unsharded one.
 * `at.layout: 'next'` gives the shards a reshard moves the rows to (`sharding.next`); the current
 * layout is the one at `at.now` (declared shards, then those rollover adds, see `effectiveShards`).
 */
export function shardTargets(
  topology: Topology,
  service: string,
  login: ServiceLogin = 'app',
  at: { layout?: ShardLayout; now?: Date } = {},
): ShardTargets[] {
  const declared = findService(topology, service);
  const shards = at.layout === 'next' ? (declared.sharding?.next?.shards ?? []) : serviceShards(declared, at.now ?? new Date());
  return shards.map((shard) => ({
    shard,
    ...replicaSet(topology, shard.cluster ?? declared.cluster, shard.database, declared, login),
  }));
}

/** The service's schema inside the monolith database, on the monolith's primary. */
export function monolithTarget(topology: Topology, service: string, login: ServiceLogin = 'app'): DataNode {
  const declared = findService(topology, service);
  const { cluster: clusterName, database } = topology.monolith;
  const cluster = findCluster(topology, clusterName);
  const credentials = serviceCredentials(cluster, declared, 'primary', login);
  // No PgBouncer entry: PgBouncer 1.18 drops the `options` startup parameter that carries the schema.
  const node = toDataNode(
    clusterName,
    cluster,
    credentials,
    cluster.primary,
    'primary',
    database,
    effectivePool(cluster, declared),
    cluster.tls,
  );
  delete node.pgbouncer;
  return { ...node, schema: declared.monolithSchema ?? service };
}

/**
 * The login a service's connection uses. With declared `roles`: `owner` for migrations, else
 * `app` on primaries and `readonly` (or `app`) on replicas. Without: the cluster's credentials.
 */
export function serviceCredentials(cluster: Cluster, service: ServiceDatabase, role: Role, login: ServiceLogin = 'app'): Credentials {
  const roles = service.roles;
  if (!roles) return cluster.credentials;
  if (login === 'owner') return roles.owner;
  return role === 'replica' ? (roles.readonly ?? roles.app) : roles.app;
}

/** The login replicas stream with: the cluster's `replication` role, else its credentials. */
export function replicationCredentials(cluster: Cluster): Credentials {
  return cluster.replication ?? cluster.credentials;
}

/** Every server the topology declares: each cluster's primary, then its replicas. */
export function allPhysicalNodes(topology: Topology): PhysicalNode[] {
  return Object.entries(topology.clusters).flatMap(([clusterName, cluster]) =>
    [{ node: cluster.primary, role: 'primary' as const }, ...cluster.replicas.map((node) => ({ node, role: 'replica' as const }))].map(
      ({ node, role }) => ({
        cluster: clusterName,
        node: node.name,
        role,
        ...(node.host !== undefined ? { host: node.host } : {}),
        ...(node.port !== undefined ? { port: node.port } : {}),
        bound: isBound(node),
        weight: node.weight,
        ...(cluster.tls ? { tls: cluster.tls } : {}),
      }),
    ),
  );
}

/** The databases each cluster must hold at `now`: service databases, shard databases and the monolith. */
export function databasesByCluster(topology: Topology, now: Date = new Date()): Record<string, string[]> {
  const result: Record<string, string[]> = Object.fromEntries(Object.keys(topology.clusters).map((name) => [name, []]));
  const add = (cluster: string, database: string): void => {
    const list = (result[cluster] ??= []);
    if (!list.includes(database)) list.push(database);
  };
  add(topology.monolith.cluster, topology.monolith.database);
  for (const service of Object.values(topology.services)) {
    add(service.cluster, service.database);
    for (const shard of allLayoutShards(service, now)) add(shard.cluster ?? service.cluster, shard.database);
  }
  return result;
}

/** A service's declaration, or a `TOPOLOGY_UNKNOWN_SERVICE` error listing the declared ones. */
export function findService(topology: Topology, service: string): ServiceDatabase {
  const declared = Object.hasOwn(topology.services, service) ? topology.services[service] : undefined;
  if (!declared) {
    throw new TopologyError(
      'TOPOLOGY_UNKNOWN_SERVICE',
      `Service "${service}" is not declared in the topology — use one of: ${Object.keys(topology.services).join(', ')}, or add it under "services:"`,
    );
  }
  return declared;
}

/** Service pool settings override the cluster's, field by field. */
export function effectivePool(cluster: Cluster, service: ServiceDatabase): PoolSettings {
  const overrides = Object.fromEntries(Object.entries(service.pool ?? {}).filter(([, v]) => v !== undefined));
  return { ...cluster.pool, ...overrides };
}

function replicaSet(
  topology: Topology,
  clusterName: string,
  database: string,
  service: ServiceDatabase,
  login: ServiceLogin,
): ReplicaSetTargets {
  const cluster = findCluster(topology, clusterName);
  const pool = effectivePool(cluster, service);
  const as = (role: Role): Credentials => serviceCredentials(cluster, service, role, login);
  return {
    primary: toDataNode(clusterName, cluster, as('primary'), cluster.primary, 'primary', database, pool, cluster.tls),
    replicas: cluster.replicas.map((node) => toDataNode(clusterName, cluster, as('replica'), node, 'replica', database, pool, cluster.tls)),
  };
}

function findCluster(topology: Topology, name: string): Cluster {
  const cluster = Object.hasOwn(topology.clusters, name) ? topology.clusters[name] : undefined;
  // A loaded topology has checked its references; this guards hand-built ones.
  if (!cluster)
    throw new TopologyError('TOPOLOGY_INVALID', `Cluster "${name}" is not declared in the topology — declare it under "clusters:"`);
  return cluster;
}

function toDataNode(
  clusterName: string,
  cluster: Cluster,
  credentials: Credentials,
  node: DeclaredNode,
  role: Role,
  database: string,
  pool: PoolSettings,
  tls: TlsSettings | undefined,
): DataNode {
  if (!isBound(node)) {
    throw new TopologyError(
      'TOPOLOGY_UNBOUND',
      `Node ${clusterName}/${node.name} has no host/port yet — start it with the topology runtime (which binds the topology), or set host and port for it in the topology file`,
    );
  }
  return {
    cluster: clusterName,
    node: node.name,
    role,
    host: node.host,
    port: node.port,
    ...(node.replicationHost !== undefined ? { replicationHost: node.replicationHost } : {}),
    ...(node.replicationPort !== undefined ? { replicationPort: node.replicationPort } : {}),
    database,
    user: credentials.user,
    ...(credentials.password !== undefined ? { password: credentials.password } : {}),
    pool,
    weight: node.weight,
    ...(cluster.pgbouncer?.host !== undefined && cluster.pgbouncer.port !== undefined
      ? {
          pgbouncer: {
            host: cluster.pgbouncer.host,
            port: cluster.pgbouncer.port,
            database: pgbouncerEntryName(database, { role, node: node.name }),
          },
        }
      : {}),
    ...(tls ? { tls } : {}),
  };
}
