import { describe, expect, it } from 'vitest';
import { topologySchema, type TopologyInput } from '@neo/topology';
import { planMigrationTargets } from './plan-migration-targets.js';

const topologyInput: TopologyInput = {
  version: 1,
  clusters: {
    core: {
      temperature: 'hot',
      credentials: { user: 'neo_core_user', password: 'secret-pw' },
      primary: { name: 'core-primary', host: '127.0.0.1', port: 6001 },
      replicas: [{ name: 'core-replica-1', host: '127.0.0.1', port: 6002 }],
    },
    blockchain: {
      temperature: 'hot',
      credentials: { user: 'neo_blockchain_user' },
      primary: { name: 'blockchain-primary', host: '127.0.0.1', port: 6101 },
    },
    monolith: {
      temperature: 'warm',
      credentials: { user: 'neo_monolith_user' },
      primary: { name: 'monolith-primary', host: '127.0.0.1', port: 6201 },
    },
  },
  services: {
    keymanagement: { cluster: 'core', database: 'neo_keymanagement', monolithSchema: 'keys' },
    storage: {
      cluster: 'core',
      database: 'neo_storage',
      sharding: {
        strategy: 'range',
        key: 'createdDate',
        models: ['StorageObject'],
        shards: [
          { name: 'storage_2024', database: 'neo_storage_2024', range: { from: '2024-01-01', to: '2025-01-01' } },
          { name: 'storage_2025', database: 'neo_storage_2025', cluster: 'blockchain', range: { from: '2025-01-01' } },
          // declared on the home database: migrated once, not twice
          { name: 'storage_home', database: 'neo_storage', range: { from: '2020-01-01', to: '2024-01-01' } },
        ],
      },
    },
  },
  monolith: { cluster: 'monolith' },
};
const topology = topologySchema.parse(topologyInput);

describe('planMigrationTargets', () => {
  it("adds next year's rolled-over shard, on the cluster of the shard it follows, once within aheadDays", () => {
    const rolling = structuredClone(topology);
    rolling.services['storage']!.sharding!.rollover = {
      every: 'year',
      aheadDays: 30,
      name: 'storage_{year}',
      database: 'neo_storage_{year}',
    };
    const shardsAt = (iso: string) =>
      planMigrationTargets(rolling, 'storage', { monolith: false, now: new Date(iso) }).flatMap((t) => (t.shard ? [t.label] : []));
    expect(shardsAt('2025-12-01T00:00:00Z')).toEqual([
      'core/core-primary/neo_storage_2024',
      'blockchain/blockchain-primary/neo_storage_2025',
    ]);
    expect(shardsAt('2025-12-02T00:00:00Z')).toEqual([
      'core/core-primary/neo_storage_2024',
      'blockchain/blockchain-primary/neo_storage_2025',
      'blockchain/blockchain-primary/neo_storage_2026',
    ]);
  });

  it('gives an unsharded service its own database and its schema in the monolith, primaries only', () => {
    const plan = planMigrationTargets(topology, 'keymanagement');
    expect(plan.map((t) => [t.kind, t.label])).toEqual([
      ['database', 'core/core-primary/neo_keymanagement'],
      ['monolith', 'monolith/monolith-primary/neo_service_layer/keys'],
    ]);
    expect(plan.every((t) => t.node.role === 'primary')).toBe(true);
    expect(plan[1]!.node).toMatchObject({ port: 6201, database: 'neo_service_layer', schema: 'keys', user: 'neo_monolith_user' });
  });

  it('gives a sharded service its home database, each shard (on its own cluster) once, then the monolith', () => {
    const plan = planMigrationTargets(topology, 'storage');
    expect(plan.map((t) => [t.kind, t.shard, t.label])).toEqual([
      ['database', undefined, 'core/core-primary/neo_storage'],
      ['shard', 'storage_2024', 'core/core-primary/neo_storage_2024'],
      ['shard', 'storage_2025', 'blockchain/blockchain-primary/neo_storage_2025'],
      ['monolith', undefined, 'monolith/monolith-primary/neo_service_layer/storage'],
    ]);
  });

  it('leaves the monolith out when asked', () => {
    expect(planMigrationTargets(topology, 'storage', { monolith: false }).map((t) => t.kind)).toEqual(['database', 'shard', 'shard']);
  });

  it('never puts a password in a label', () => {
    expect(
      planMigrationTargets(topology, 'storage')
        .map((t) => t.label)
        .join(' '),
    ).not.toContain('secret-pw');
  });

  it('refuses a service the topology does not declare', () => {
    expect(() => planMigrationTargets(topology, 'nope')).toThrow(/not declared in the topology/);
  });
});
