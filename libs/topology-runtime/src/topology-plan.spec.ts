import { describe, expect, it } from 'vitest';
import { TopologyRuntimeError } from './errors.js';
import { sampleTopology } from './test-support/sample-topology.js';
import { planClusters } from './topology-plan.js';

describe('planClusters', () => {
  it('puts service databases, shards on their own cluster and the monolith schemas where the topology says', () => {
    const plans = planClusters(sampleTopology());
    const byName = Object.fromEntries(plans.map((plan) => [plan.name, plan.databases]));
    expect(byName['core']).toEqual([
      { name: 'neo_storage', schemas: [] },
      { name: 'neo_storage_2024', schemas: [] },
    ]);
    expect(byName['app']).toEqual(
      expect.arrayContaining([
        { name: 'neo_storage_2025', schemas: [] },
        { name: 'neo_voting', schemas: [] },
        { name: 'neo_service_layer', schemas: ['storage', 'votes'] },
      ]),
    );
    expect(byName['app']).toHaveLength(3);
  });

  it("adds a rollover's next-year database, with the service's roles, from January 1 minus aheadDays", () => {
    const topology = sampleTopology();
    const storage = topology.services['storage']!;
    storage.sharding!.rollover = { every: 'year', aheadDays: 30, name: 'storage_{year}', database: 'neo_storage_{year}' };
    storage.roles = { owner: { user: 'neo_storage_owner' }, app: { user: 'neo_storage_app' } };
    const appAt = (iso: string) => planClusters(topology, ['app'], new Date(iso))[0]!;
    expect(appAt('2025-12-01T00:00:00Z').databases.map((database) => database.name)).not.toContain('neo_storage_2026');
    const inWindow = appAt('2025-12-02T00:00:00Z');
    expect(inWindow.databases.map((database) => database.name)).toContain('neo_storage_2026');
    expect(inWindow.roles.services.find((access) => access.service === 'storage')?.databases).toEqual([
      'neo_storage_2025',
      'neo_storage_2026',
    ]);
  });

  it('plans only the clusters asked for', () => {
    expect(planClusters(sampleTopology(), ['core']).map((plan) => plan.name)).toEqual(['core']);
  });

  it('refuses an unknown cluster and names the known ones', () => {
    expect(() => planClusters(sampleTopology(), ['nope'])).toThrow(TopologyRuntimeError);
    expect(() => planClusters(sampleTopology(), ['nope'])).toThrow(/core, app/);
  });
});
