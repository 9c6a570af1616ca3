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

  it('plans only the clusters asked for', () => {
    expect(planClusters(sampleTopology(), ['core']).map((plan) => plan.name)).toEqual(['core']);
  });

  it('refuses an unknown cluster and names the known ones', () => {
    expect(() => planClusters(sampleTopology(), ['nope'])).toThrow(TopologyRuntimeError);
    expect(() => planClusters(sampleTopology(), ['nope'])).toThrow(/core, app/);
  });
});
