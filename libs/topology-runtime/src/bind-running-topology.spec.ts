import { describe, expect, it } from 'vitest';
import { bindRunningTopology } from './bind-running-topology.js';
import type { ProviderRun } from './provider-run.js';
import { sampleTopology } from './test-support/sample-topology.js';

const noop = (): Promise<void> => Promise.resolve();
function run(partial: Partial<ProviderRun>): ProviderRun {
  return { endpoints: {}, admin: {}, stopNode: noop, startNode: noop, stop: noop, ...partial };
}

describe('bindRunningTopology', () => {
  it('gives every running node its host and port and leaves the declared topology untouched', () => {
    const topology = sampleTopology();
    const bound = bindRunningTopology(
      topology,
      run({
        endpoints: {
          'core/core-primary': { host: '127.0.0.1', port: 5001 },
          'core/core-replica-1': { host: '127.0.0.1', port: 5002 },
          'core/core-replica-2': { host: '127.0.0.1', port: 5003 },
        },
      }),
    );
    expect(bound.clusters['core']?.primary).toMatchObject({ host: '127.0.0.1', port: 5001 });
    expect(bound.clusters['core']?.replicas.map((replica) => replica.port)).toEqual([5002, 5003]);
    expect(bound.clusters['app']?.primary.port).toBeUndefined();
    expect(topology.clusters['core']?.primary.port).toBeUndefined();
  });

  it("gives a rollover's database pattern the prefix its open-ended shard got, so added years are prefixed too", () => {
    const topology = sampleTopology();
    topology.services['storage']!.sharding!.rollover = {
      every: 'year',
      aheadDays: 30,
      name: 'storage_{year}',
      database: 'neo_storage_{year}',
    };
    const bound = bindRunningTopology(topology, run({ databaseNames: { neo_storage_2025: 't1_neo_storage_2025' } }));
    expect(bound.services['storage']!.sharding!.rollover!.database).toBe('t1_neo_storage_{year}');
    expect(topology.services['storage']!.sharding!.rollover!.database).toBe('neo_storage_{year}');
  });

  it('drops replicas that do not run, renames databases and swaps credentials (external servers)', () => {
    const bound = bindRunningTopology(
      sampleTopology(),
      run({
        endpoints: { 'core/core-primary': { host: 'db', port: 5432 }, 'core/core-replica-2': { host: 'db2', port: 5432 } },
        databaseNames: {
          neo_storage: 't1_neo_storage',
          neo_storage_2025: 't1_neo_storage_2025',
          neo_service_layer: 't1_neo_service_layer',
        },
        credentials: { core: { user: 'postgres' } },
      }),
    );
    expect(bound.clusters['core']?.replicas.map((replica) => replica.name)).toEqual(['core-replica-2']);
    expect(bound.clusters['core']?.credentials).toEqual({ user: 'postgres' });
    expect(bound.services['storage']?.database).toBe('t1_neo_storage');
    expect(bound.services['storage']?.sharding?.shards.map((shard) => shard.database)).toEqual(['neo_storage_2024', 't1_neo_storage_2025']);
    expect(bound.monolith.database).toBe('t1_neo_service_layer');
  });

  it('binds the local CA to a TLS cluster, and runs a cluster whose provider made none as its servers are', () => {
    const topology = sampleTopology();
    topology.clusters['core']!.tls = {};
    topology.clusters['app']!.tls = {};
    const endpoints = { 'core/core-primary': { host: '127.0.0.1', port: 5001 }, 'app/app-primary': { host: '127.0.0.1', port: 5002 } };
    const bound = bindRunningTopology(topology, run({ endpoints, tls: { core: { ca: '/data/tls/ca.crt' } } }));
    expect(bound.clusters['core']?.tls).toEqual({ ca: '/data/tls/ca.crt' });
    expect(bound.clusters['app']?.tls).toBeUndefined();
  });
});
