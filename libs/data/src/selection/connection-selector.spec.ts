import { describe, expect, it } from 'vitest';
import { runWithRequestContext } from '../context/request-context.js';
import type { FeatureDefinition } from '../flags/feature-definition.js';
import { rolloutFlag, StaticFlagProvider, switchFlag } from '../flags/static.flag-provider.js';
import { ConnectionSelector } from './connection-selector.js';
import { SelectionMetrics } from './selection-metrics.js';
import type { Side } from './side.js';

const users = Array.from({ length: 1_000 }, (_, i) => `user-${i}`);

function selectorWith(flags: FeatureDefinition[]): {
  selector: ConnectionSelector;
  provider: StaticFlagProvider;
  metrics: SelectionMetrics;
} {
  const provider = new StaticFlagProvider(flags);
  const metrics = new SelectionMetrics({ service: 'storage' });
  return { selector: new ConnectionSelector({ flags: provider, metrics }), provider, metrics };
}

function readSides(selector: ConnectionSelector): Side[] {
  return users.map((userId) => selector.select('storage', 'read', { userId }));
}

describe('ConnectionSelector', () => {
  it('keeps everything on the monolith when the flags are missing or at 0 %', () => {
    for (const flags of [
      [],
      [rolloutFlag('UseShardedDatabase.storage.reads', 0), switchFlag('UseShardedDatabase.storage.writes', false)],
    ]) {
      const { selector } = selectorWith(flags);
      expect(new Set(readSides(selector))).toEqual(new Set(['monolith']));
      expect(selector.select('storage', 'write', { userId: 'u' })).toBe('monolith');
      expect(selector.select('storage', 'read', undefined)).toBe('monolith');
    }
  });

  it('sends about the rollout share of users to the service, each user to the same side every time', () => {
    const { selector } = selectorWith([rolloutFlag('UseShardedDatabase.storage.reads', 10)]);
    const first = readSides(selector);
    const share = first.filter((side) => side === 'service').length / users.length;
    expect(share).toBeGreaterThan(0.06);
    expect(share).toBeLessThan(0.14);
    expect(readSides(selector)).toEqual(first);
    // Writes are not split by user.
    expect(new Set(users.map((userId) => selector.select('storage', 'write', { userId })))).toEqual(new Set(['monolith']));
  });

  it('only adds users when the rollout grows (no user flaps back)', () => {
    const { selector, provider } = selectorWith([rolloutFlag('UseShardedDatabase.storage.reads', 10)]);
    const at10 = readSides(selector);
    provider.set([rolloutFlag('UseShardedDatabase.storage.reads', 50)]);
    const at50 = readSides(selector);
    at10.forEach((side, i) => {
      if (side === 'service') expect(at50[i]).toBe('service');
    });
    expect(at50.filter((side) => side === 'service').length).toBeGreaterThan(at10.filter((side) => side === 'service').length);
  });

  it('reads the user from the request context', () => {
    const { selector } = selectorWith([rolloutFlag('UseShardedDatabase.storage.reads', 50)]);
    for (const userId of users.slice(0, 100)) {
      expect(runWithRequestContext({ userId, requestId: 'r' }, () => selector.select('storage', 'read'))).toBe(
        selector.select('storage', 'read', { userId }),
      );
    }
  });

  it('sends calls without a user id to the monolith until the reads rollout is complete', () => {
    const { selector, provider } = selectorWith([rolloutFlag('UseShardedDatabase.storage.reads', 99)]);
    expect(selector.decide('storage', 'read', { requestId: 'job-1' })).toEqual({ side: 'monolith', reason: 'no_user' });
    expect(selector.decide('storage', 'read', { userId: '' })).toEqual({ side: 'monolith', reason: 'no_user' });
    provider.set([rolloutFlag('UseShardedDatabase.storage.reads', 100)]);
    expect(selector.decide('storage', 'read', undefined)).toEqual({ side: 'service', reason: 'no_user' });
  });

  it('moves every write at once with the switch, and reads with them whatever the rollout', () => {
    const { selector, provider } = selectorWith([
      rolloutFlag('UseShardedDatabase.storage.reads', 0),
      switchFlag('UseShardedDatabase.storage.writes', true),
    ]);
    expect(selector.decide('storage', 'write', undefined)).toEqual({ side: 'service', reason: 'switch' });
    expect(new Set(readSides(selector))).toEqual(new Set(['service']));
    expect(selector.placement('storage')).toEqual({
      service: 'storage',
      flags: { reads: 'UseShardedDatabase.storage.reads', writes: 'UseShardedDatabase.storage.writes' },
      writes: 'service',
      reads: 'service',
    });
    // Rollback: the switch off sends writes (and the reads of the 0 % rollout) back.
    provider.set([rolloutFlag('UseShardedDatabase.storage.reads', 0), switchFlag('UseShardedDatabase.storage.writes', false)]);
    expect(selector.select('storage', 'write')).toBe('monolith');
    expect(new Set(readSides(selector))).toEqual(new Set(['monolith']));
    expect(selector.placement('storage')).toMatchObject({ writes: 'monolith', reads: 'by-user' });
  });

  it('treats a partial rollout on the writes flag as off', () => {
    const { selector } = selectorWith([rolloutFlag('UseShardedDatabase.storage.writes', 99)]);
    expect(new Set(users.map((userId) => selector.select('storage', 'write', { userId })))).toEqual(new Set(['monolith']));
  });

  it('keeps services apart', () => {
    const { selector } = selectorWith([switchFlag('UseShardedDatabase.oracle.writes', true)]);
    expect(selector.select('oracle', 'write')).toBe('service');
    expect(selector.select('storage', 'write')).toBe('monolith');
  });

  it('stops following the provider once closed', () => {
    const { selector, provider } = selectorWith([switchFlag('UseShardedDatabase.storage.writes', false)]);
    expect(selector.select('storage', 'write')).toBe('monolith');
    selector.close();
    provider.set([switchFlag('UseShardedDatabase.storage.writes', true)]);
    expect(selector.select('storage', 'write')).toBe('monolith');
  });

  it('counts decisions by service, kind, side and reason', async () => {
    const { selector, metrics } = selectorWith([
      rolloutFlag('UseShardedDatabase.storage.reads', 100),
      switchFlag('UseShardedDatabase.oracle.writes', true),
    ]);
    selector.select('storage', 'read', { userId: 'a' });
    selector.select('storage', 'read', { userId: 'b' });
    selector.select('storage', 'write', { userId: 'a' });
    selector.select('oracle', 'read', {});
    selector.decide('storage', 'write', {});
    const text = await metrics.registry.metrics();
    expect(text).toContain('neo_data_side_decisions_total{service="storage",kind="read",side="service",reason="rollout"} 2');
    expect(text).toContain('neo_data_side_decisions_total{service="storage",kind="write",side="monolith",reason="switch"} 1');
    expect(text).toContain('neo_data_side_decisions_total{service="oracle",kind="read",side="service",reason="writes_switched"} 1');
  });
});
