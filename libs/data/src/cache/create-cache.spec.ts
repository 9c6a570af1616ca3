import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { topologySchema, type CacheSettings, type Topology } from '@neo/topology';
import { createServiceCache } from './create-cache.js';
import { freshWindowFor } from './fresh-window.js';

function topology(cache?: CacheSettings): Topology {
  return topologySchema.parse({
    version: 1,
    clusters: { blockchain: { temperature: 'hot', credentials: { user: 'u' }, primary: { name: 'p' } } },
    services: {
      oracle: {
        cluster: 'blockchain',
        database: 'neo_oracle',
        reads: { maxLagMs: 100, lagPollIntervalMs: 200 },
        ...(cache ? { cache } : {}),
      },
    },
    monolith: { cluster: 'blockchain' },
  });
}

describe('createServiceCache', () => {
  it('follows the topology: none, in process, or Redis when it names a redisUrl', async () => {
    const none = createServiceCache({ topology: topology(), service: 'oracle' });
    const local = createServiceCache({
      topology: topology({ strategy: 'read-through', ttlSeconds: 300 }),
      service: 'oracle',
      registry: new Registry(),
    });
    const redis = createServiceCache({
      topology: topology({ strategy: 'read-through', ttlSeconds: 300, redisUrl: 'redis://127.0.0.1:1' }),
      service: 'oracle',
    });
    try {
      expect([none.kind, local.kind, redis.kind]).toEqual(['none', 'in-process', 'redis']);
    } finally {
      await Promise.all([none.close(), local.close(), redis.close()]);
    }
  });
});

describe('freshWindowFor', () => {
  it('covers the lag bound plus the age a lag sample may reach plus one poll', () => {
    expect(freshWindowFor({ policy: 'round-robin', maxLagMs: 100, lagPollIntervalMs: 200 })).toBe(100 + 1_000 + 200);
    expect(freshWindowFor({ policy: 'round-robin', maxLagMs: 50, lagPollIntervalMs: 1_000 })).toBe(50 + 3_000 + 1_000);
  });
});
