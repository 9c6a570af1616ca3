import { topologySchema, type Topology, type TopologyInput } from '@neo/topology';

/**
 * A small topology for the runtime's own tests: `core` with two replicas and
 * two services (one sharded), `app` with a primary only that also holds the monolith.
 */
export function sampleTopology(overrides: Partial<TopologyInput> = {}): Topology {
  return topologySchema.parse({
    version: 1,
    clusters: {
      core: {
        temperature: 'hot',
        credentials: { user: 'neo_core', password: "core pa$$ 'quoted' \\ back" },
        primary: { name: 'core-primary' },
        replicas: [{ name: 'core-replica-1' }, { name: 'core-replica-2' }],
      },
      app: {
        temperature: 'warm',
        credentials: { user: 'neo_app', password: 'app-secret' },
        primary: { name: 'app-primary' },
      },
    },
    services: {
      storage: {
        cluster: 'core',
        database: 'neo_storage',
        sharding: {
          strategy: 'range',
          key: 'createdDate',
          models: ['StoredObject'],
          shards: [
            { name: 'storage_2024', database: 'neo_storage_2024', range: { from: '2024-01-01', to: '2025-01-01' } },
            { name: 'storage_2025', database: 'neo_storage_2025', cluster: 'app', range: { from: '2025-01-01' } },
          ],
        },
      },
      voting: { cluster: 'app', database: 'neo_voting', monolithSchema: 'votes' },
    },
    monolith: { cluster: 'app', database: 'neo_service_layer' },
    ...overrides,
  });
}
