import { InMemStorageProvider, Unleash } from 'unleash-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateFeature } from './evaluate-feature.js';
import type { FeatureDefinition } from './feature-definition.js';
import { rolloutFlag } from './static.flag-provider.js';
import { rolloutBucket } from './unleash-hashing.js';

const rollouts = [0, 1, 10, 33, 50, 99, 100];
const features: FeatureDefinition[] = [
  ...rollouts.map((percent) => rolloutFlag(`UseShardedDatabase.storage.reads.${percent}`, percent)),
  // A shared groupId: two flags then pick the same users.
  {
    name: 'grouped',
    enabled: true,
    strategies: [{ name: 'flexibleRollout', parameters: { rollout: '42', stickiness: 'userId', groupId: 'shared-group' } }],
  },
  {
    name: 'by-session',
    enabled: true,
    strategies: [{ name: 'flexibleRollout', parameters: { rollout: '42', stickiness: 'sessionId', groupId: 'by-session' } }],
  },
  {
    name: 'disabled',
    enabled: false,
    strategies: [{ name: 'flexibleRollout', parameters: { rollout: '100', stickiness: 'userId', groupId: 'disabled' } }],
  },
];
const userIds = Array.from({ length: 3_000 }, (_, i) =>
  i % 3 === 0 ? `${i}` : i % 3 === 1 ? `user-${i}` : `9f1c${i.toString(16)}-ä-${i}`,
);

describe('rollout hashing, against unleash-client itself', () => {
  let unleash: Unleash;

  beforeAll(async () => {
    // An offline client (refreshInterval 0: it never fetches) evaluating the same definitions.
    unleash = new Unleash({
      url: 'http://127.0.0.1:9/api',
      appName: 'hashing-spec',
      refreshInterval: 0,
      disableMetrics: true,
      storageProvider: new InMemStorageProvider(),
      bootstrap: {
        data: features.map((feature) => ({
          ...feature,
          strategies: feature.strategies.map((s) => ({ ...s, parameters: { ...s.parameters }, constraints: [] })),
        })),
      },
      skipInstanceCountWarning: true,
    });
    await new Promise<void>((resolve) => unleash.once('ready', () => resolve()));
  });
  afterAll(() => unleash.destroy());

  it('puts every user on the same side as Unleash for every rollout, groupId and stickiness', () => {
    let compared = 0;
    let enabledSomewhere = 0;
    for (const feature of features) {
      for (const userId of userIds) {
        const context = { userId, sessionId: `s-${userId}` };
        const ours = evaluateFeature(feature, context);
        expect(ours, `${feature.name} for ${userId}`).toBe(unleash.isEnabled(feature.name, context));
        compared++;
        if (ours) enabledSomewhere++;
      }
    }
    expect(compared).toBe(features.length * userIds.length);
    // Both sides occur, so the comparison is not between two constant answers.
    expect(enabledSomewhere).toBeGreaterThan(0);
    expect(enabledSomewhere).toBeLessThan(compared);
  });

  it('agrees that a context without the stickiness value is not in the rollout, even at 100 %', () => {
    const full = rolloutFlag('UseShardedDatabase.storage.reads.100', 100);
    expect(evaluateFeature(full, {})).toBe(false);
    expect(unleash.isEnabled(full.name, {})).toBe(false);
  });

  it('gives buckets 1..100, spread evenly', () => {
    const counts = new Array<number>(101).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const bucket = rolloutBucket(`user-${i}`, 'spread');
      counts[bucket] = (counts[bucket] ?? 0) + 1;
    }
    expect(counts[0]).toBe(0);
    expect(Math.min(...counts.slice(1))).toBeGreaterThan(100);
    expect(Math.max(...counts.slice(1))).toBeLessThan(300);
  });

  it('is monotonic: raising the rollout only adds users', () => {
    for (const userId of userIds.slice(0, 500)) {
      const firstIn = rollouts.find((percent) => evaluateFeature(rolloutFlag('monotonic', percent), { userId }));
      for (const percent of rollouts)
        expect(evaluateFeature(rolloutFlag('monotonic', percent), { userId })).toBe(firstIn !== undefined && percent >= firstIn);
    }
  });
});
