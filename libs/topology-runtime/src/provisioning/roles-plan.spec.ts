import { topologySchema } from '@neo/topology';
import { describe, expect, it } from 'vitest';
import { planClusterRoles } from './roles-plan.js';

const login = (user: string) => ({ user, password: `${user}-pw` });
const topology = topologySchema.parse({
  version: 1,
  clusters: {
    core: {
      temperature: 'hot',
      credentials: login('neo_core'),
      replication: login('neo_core_replication'),
      primary: { name: 'core-primary' },
    },
    archive: { temperature: 'cold', credentials: login('neo_archive'), primary: { name: 'archive-primary' } },
    monolith: { temperature: 'warm', credentials: login('neo_user'), primary: { name: 'monolith-primary' } },
  },
  services: {
    storage: {
      cluster: 'core',
      database: 'neo_storage',
      roles: { owner: login('neo_storage_owner'), app: login('neo_storage_app'), readonly: login('neo_storage_ro') },
      sharding: {
        strategy: 'range',
        key: 'createdDate',
        models: ['StorageObject'],
        shards: [
          { name: 'storage_2024', database: 'neo_storage_2024', cluster: 'archive', range: { from: '2024-01-01', to: '2025-01-01' } },
          { name: 'storage_2025', database: 'neo_storage_2025', range: { from: '2025-01-01' } },
        ],
      },
    },
    voting: { cluster: 'core', database: 'neo_voting', monolithSchema: 'votes' },
  },
  monolith: { cluster: 'monolith', database: 'neo_service_layer' },
});

describe('planClusterRoles', () => {
  it('gives a service its databases on each cluster it touches, and its monolith schema where the monolith lives', () => {
    expect(planClusterRoles(topology, 'core')).toEqual({
      replication: login('neo_core_replication'),
      services: [
        {
          service: 'storage',
          owner: login('neo_storage_owner'),
          app: login('neo_storage_app'),
          readonly: login('neo_storage_ro'),
          databases: ['neo_storage', 'neo_storage_2025'],
        },
      ],
    });
    expect(planClusterRoles(topology, 'archive').services.map((access) => [access.service, access.databases])).toEqual([
      ['storage', ['neo_storage_2024']],
    ]);
    expect(planClusterRoles(topology, 'monolith').services).toEqual([
      expect.objectContaining({ service: 'storage', databases: [], monolith: { database: 'neo_service_layer', schema: 'storage' } }),
    ]);
  });

  it('leaves out services without roles and clusters without a replication role', () => {
    expect(planClusterRoles(topology, 'archive').replication).toBeUndefined();
    expect(planClusterRoles(topology, 'monolith').services.map((access) => access.service)).toEqual(['storage']);
  });
});
