import { describe, expect, it } from 'vitest';
import { bindTopology, endpointKey, primaryEndpointKey, type Endpoints } from './bind-topology.js';
import { dataNodeLabel } from './data-node.js';
import { loadTopology } from './load-topology.js';
import { topologySchema } from './topology.schema.js';
import {
  allPhysicalNodes,
  databasesByCluster,
  monolithTarget,
  replicationCredentials,
  serviceTargets,
  shardTargets,
} from './resolve-targets.js';
import { TopologyError } from './topology.error.js';
import type { Topology } from './topology.schema.js';

const declared: Topology = loadTopology(
  {
    text: `
version: 1
clusters:
  core:
    temperature: hot
    credentials: { user: neo_core_user, password: core_pw }
    primary: { name: core-primary }
    replicas: [{ name: core-replica-1, weight: 3 }, { name: core-replica-2 }]
    pool: { max: 20, min: 1, idleTimeoutMs: 1000, connectionTimeoutMs: 2000 }
  archive:
    temperature: cold
    credentials: { user: neo_archive_user }
    primary: { name: archive-primary, host: archive.internal, port: 6432 }
  monolith:
    temperature: warm
    credentials: { user: neo_user, password: mono_pw }
    primary: { name: monolith-primary }
services:
  storage:
    cluster: core
    database: neo_storage
    pool: { max: 4 }
    sharding:
      strategy: range
      key: createdDate
      models: [StorageObject]
      shards:
        - { name: storage_2023, database: neo_storage_2023, cluster: archive, range: { from: '2023-01-01', to: '2024-01-01' } }
        - { name: storage_2024, database: neo_storage_2024, range: { from: '2024-01-01' } }
  keymanagement:
    cluster: core
    database: neo_keymanagement
    monolithSchema: keys
monolith: { cluster: monolith }
`,
  },
  { env: {} },
);

const endpoints: Endpoints = {
  'core/core-primary': { host: '127.0.0.1', port: 40001 },
  'core/core-replica-1': { host: '127.0.0.1', port: 40002 },
  'core/core-replica-2': { host: '127.0.0.1', port: 40003 },
  'monolith/monolith-primary': { host: '127.0.0.1', port: 40004 },
};
const bound = bindTopology(declared, endpoints);

function refusal(run: () => unknown): TopologyError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TopologyError);
    return error as TopologyError;
  }
  throw new Error('expected a TopologyError');
}

describe('bindTopology', () => {
  it('fills host/port of runtime nodes and keeps declared ones, without touching its input', () => {
    expect(bound.clusters['core']!.primary).toMatchObject({ host: '127.0.0.1', port: 40001 });
    expect(bound.clusters['archive']!.primary).toMatchObject({ host: 'archive.internal', port: 6432 });
    expect(declared.clusters['core']!.primary.host).toBeUndefined();
    const rebound = bindTopology(declared, { ...endpoints, 'archive/archive-primary': { host: 'elsewhere', port: 1 } });
    expect(rebound.clusters['archive']!.primary).toMatchObject({ host: 'archive.internal', port: 6432 });
  });

  it("carries a node's server-to-server address into its targets, only where the runtime gave one", () => {
    const inContainers = bindTopology(declared, {
      ...endpoints,
      'core/core-primary': { host: '127.0.0.1', port: 40001, replicationHost: 'core-primary.core', replicationPort: 5432 },
    });
    const { primary, replicas } = serviceTargets(inContainers, 'keymanagement');
    expect(primary).toMatchObject({ host: '127.0.0.1', port: 40001, replicationHost: 'core-primary.core', replicationPort: 5432 });
    expect(replicas[0]).not.toHaveProperty('replicationHost');
    // A bound topology is still a valid topology (services and neo-db load it from files).
    expect(topologySchema.parse(inContainers).clusters['core']!.primary.replicationHost).toBe('core-primary.core');
  });

  it('after a failover, makes the replica at the current primary address the primary, and the declared primary a replica', () => {
    const failedOver = bindTopology(declared, { ...endpoints, [primaryEndpointKey('core')]: endpoints['core/core-replica-2']! });
    const core = failedOver.clusters['core']!;
    expect(core.primary).toMatchObject({ name: 'core-replica-2', port: 40003 });
    expect(core.replicas.map((node) => node.name)).toEqual(['core-replica-1', 'core-primary']);
    expect(bound.clusters['core']!.primary.name).toBe('core-primary');
  });

  it('refuses endpoints for nodes the topology does not declare', () => {
    const error = refusal(() => bindTopology(declared, { [endpointKey('core', 'core-replica-9')]: { host: 'h', port: 1 } }));
    expect(error.code).toBe('TOPOLOGY_UNKNOWN_NODE');
    expect(error.message).toContain('core/core-replica-9');
  });
});

describe('serviceTargets', () => {
  it('gives the service database on its cluster primary and every replica', () => {
    const { primary, replicas } = serviceTargets(bound, 'keymanagement');
    expect(primary).toEqual({
      cluster: 'core',
      node: 'core-primary',
      role: 'primary',
      host: '127.0.0.1',
      port: 40001,
      database: 'neo_keymanagement',
      user: 'neo_core_user',
      password: 'core_pw',
      pool: { max: 20, min: 1, idleTimeoutMs: 1000, connectionTimeoutMs: 2000 },
      weight: 1,
    });
    expect(replicas.map((r) => [dataNodeLabel(r), r.role, r.port, r.weight])).toEqual([
      ['core/core-replica-1/neo_keymanagement', 'replica', 40002, 3],
      ['core/core-replica-2/neo_keymanagement', 'replica', 40003, 1],
    ]);
  });

  it('lets the service pool override the cluster pool field by field', () => {
    expect(serviceTargets(bound, 'storage').primary.pool).toEqual({ max: 4, min: 1, idleTimeoutMs: 1000, connectionTimeoutMs: 2000 });
  });

  it('refuses an unbound node, saying how to bind it', () => {
    const error = refusal(() => serviceTargets(declared, 'keymanagement'));
    expect(error.code).toBe('TOPOLOGY_UNBOUND');
    expect(error.message).toContain('core/core-primary');
    expect(error.message).toMatch(/topology runtime.*host and port/);
  });

  it('refuses an unknown service, listing the declared ones', () => {
    const error = refusal(() => serviceTargets(bound, 'storag'));
    expect(error.code).toBe('TOPOLOGY_UNKNOWN_SERVICE');
    expect(error.message).toContain('storage, keymanagement');
  });
});

describe('shardTargets', () => {
  it('gives each shard its database on its own cluster, or the service cluster', () => {
    const targets = shardTargets(bound, 'storage');
    expect(targets.map((t) => [t.shard.name, dataNodeLabel(t.primary), t.primary.host, t.replicas.map(dataNodeLabel)])).toEqual([
      ['storage_2023', 'archive/archive-primary/neo_storage_2023', 'archive.internal', []],
      [
        'storage_2024',
        'core/core-primary/neo_storage_2024',
        '127.0.0.1',
        ['core/core-replica-1/neo_storage_2024', 'core/core-replica-2/neo_storage_2024'],
      ],
    ]);
    expect(targets[0]!.primary).toMatchObject({ user: 'neo_archive_user', pool: { max: 4 } });
    expect(targets[0]!.primary).not.toHaveProperty('password');
  });

  it('is empty for an unsharded service', () => {
    expect(shardTargets(bound, 'keymanagement')).toEqual([]);
  });
});

describe('monolithTarget', () => {
  it('is the monolith primary, database neo_service_layer, schema from monolithSchema or the service name', () => {
    expect(monolithTarget(bound, 'keymanagement')).toMatchObject({
      cluster: 'monolith',
      node: 'monolith-primary',
      database: 'neo_service_layer',
      schema: 'keys',
      user: 'neo_user',
      password: 'mono_pw',
      port: 40004,
    });
    expect(monolithTarget(bound, 'storage').schema).toBe('storage');
  });
});

describe('allPhysicalNodes and databasesByCluster', () => {
  it('lists every server, telling which the runtime still has to start', () => {
    expect(allPhysicalNodes(declared).map((n) => [`${n.cluster}/${n.node}`, n.role, n.bound])).toEqual([
      ['core/core-primary', 'primary', false],
      ['core/core-replica-1', 'replica', false],
      ['core/core-replica-2', 'replica', false],
      ['archive/archive-primary', 'primary', true],
      ['monolith/monolith-primary', 'primary', false],
    ]);
    expect(allPhysicalNodes(bound).every((n) => n.bound && n.host && n.port)).toBe(true);
  });

  it('lists the databases each cluster holds', () => {
    expect(databasesByCluster(declared)).toEqual({
      core: ['neo_storage', 'neo_storage_2024', 'neo_keymanagement'],
      archive: ['neo_storage_2023'],
      monolith: ['neo_service_layer'],
    });
  });
});

describe('service roles', () => {
  const withRoles = bindTopology(
    loadTopology(
      {
        text: `
version: 1
clusters:
  core:
    temperature: hot
    credentials: { user: neo_core_user, password: core_pw }
    replication: { user: neo_core_replication, password: repl_pw }
    primary: { name: core-primary }
    replicas: [{ name: core-replica-1 }]
  monolith:
    temperature: warm
    credentials: { user: neo_user, password: mono_pw }
    primary: { name: monolith-primary }
services:
  storage:
    cluster: core
    database: neo_storage
    roles:
      owner: { user: neo_storage_owner, password: '\${STORAGE_OWNER_DB_PASSWORD}' }
      app: { user: neo_storage_app, password: app_pw }
      readonly: { user: neo_storage_ro, password: ro_pw }
  voting:
    cluster: core
    database: neo_voting
monolith: { cluster: monolith }
`,
      },
      { env: { STORAGE_OWNER_DB_PASSWORD: 'owner_pw' } },
    ),
    {
      'core/core-primary': { host: '127.0.0.1', port: 40001 },
      'core/core-replica-1': { host: '127.0.0.1', port: 40002 },
      'monolith/monolith-primary': { host: '127.0.0.1', port: 40004 },
    },
  );

  it('connects the service as app on primaries and the monolith, readonly on replicas, owner for migrations', () => {
    const app = serviceTargets(withRoles, 'storage');
    expect([app.primary.user, app.primary.password]).toEqual(['neo_storage_app', 'app_pw']);
    expect(app.replicas.map((replica) => replica.user)).toEqual(['neo_storage_ro']);
    expect(monolithTarget(withRoles, 'storage').user).toBe('neo_storage_app');
    const owner = serviceTargets(withRoles, 'storage', 'owner');
    expect([owner.primary.user, owner.primary.password]).toEqual(['neo_storage_owner', 'owner_pw']);
    expect(monolithTarget(withRoles, 'storage', 'owner').user).toBe('neo_storage_owner');
  });

  it('keeps the cluster role for a service without roles, and streams replicas as the replication role', () => {
    expect(serviceTargets(withRoles, 'voting', 'owner').primary.user).toBe('neo_core_user');
    expect(replicationCredentials(withRoles.clusters['core']!)).toEqual({ user: 'neo_core_replication', password: 'repl_pw' });
    expect(replicationCredentials(withRoles.clusters['monolith']!).user).toBe('neo_user');
  });

  it('refuses an app role that is also the owner role', () => {
    expect(() =>
      loadTopology(
        {
          text: `
version: 1
clusters:
  core: { temperature: hot, credentials: { user: neo_core_user }, primary: { name: core-primary } }
services:
  storage:
    cluster: core
    database: neo_storage
    roles: { owner: { user: neo_storage }, app: { user: neo_storage } }
monolith: { cluster: core }
`,
        },
        { env: {} },
      ),
    ).toThrow(/services\.storage\.roles: owner, app and readonly must be different roles/);
  });
});
