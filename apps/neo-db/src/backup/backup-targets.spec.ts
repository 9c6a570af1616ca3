import { describe, expect, it } from 'vitest';
import { topologySchema } from '@neo/topology';
import { backupTargets, targetLabel } from './backup-targets.js';

const topology = topologySchema.parse({
  version: 1,
  clusters: {
    core: { temperature: 'hot', credentials: { user: 'core' }, primary: { name: 'core-primary' } },
    app: { temperature: 'warm', credentials: { user: 'app' }, primary: { name: 'app-primary' } },
  },
  services: {
    storage: {
      cluster: 'core',
      database: 'neo_storage',
      sharding: {
        strategy: 'range',
        key: 'createdDate',
        models: ['StorageObject'],
        shards: [
          { name: 'storage_2024', database: 'neo_storage_2024', range: { from: '2024-01-01', to: '2025-01-01' } },
          { name: 'storage_2025', database: 'neo_storage_2025', cluster: 'app', range: { from: '2025-01-01' } },
        ],
      },
    },
    voting: { cluster: 'app', database: 'neo_voting' },
  },
  monolith: { cluster: 'app', database: 'neo_service_layer' },
});

describe('backupTargets', () => {
  it('lists the monolith, each service database and each shard once, on its own cluster', () => {
    expect(backupTargets(topology).map(targetLabel)).toEqual([
      'app/neo_service_layer (monolith)',
      'core/neo_storage (storage)',
      'core/neo_storage_2024 (storage, shard storage_2024)',
      'app/neo_storage_2025 (storage, shard storage_2025)',
      'app/neo_voting (voting)',
    ]);
  });

  it('narrows to one cluster or one service (with its shards on any cluster)', () => {
    expect(backupTargets(topology, { cluster: 'core' }).map((target) => target.database)).toEqual(['neo_storage', 'neo_storage_2024']);
    expect(backupTargets(topology, { service: 'storage' }).map((target) => target.database)).toEqual([
      'neo_storage',
      'neo_storage_2024',
      'neo_storage_2025',
    ]);
  });

  it('names an unknown cluster or service and the declared ones', () => {
    expect(() => backupTargets(topology, { cluster: 'chain' })).toThrow(
      'Cluster "chain" is not declared in the topology — use one of: core, app',
    );
    expect(() => backupTargets(topology, { service: 'oracle' })).toThrow('use one of: storage, voting');
  });
});
