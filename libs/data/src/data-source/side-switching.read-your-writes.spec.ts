import { describe, expect, it } from 'vitest';
import { StaticFlagProvider, rolloutFlag, switchFlag } from '../flags/static.flag-provider.js';
import { ConnectionSelector } from '../selection/connection-selector.js';
import { ReadYourWritesChooser } from './side-switching.read-your-writes.js';

/** Reads of every user on the service, writes on the monolith: the middle of a cutover. */
function chooserAt(clock: { now: number }) {
  const flags = new StaticFlagProvider([
    rolloutFlag('UseShardedDatabase.items.reads', 100),
    switchFlag('UseShardedDatabase.items.writes', false),
  ]);
  return new ReadYourWritesChooser(new ConnectionSelector({ flags }), 1_000, undefined, () => clock.now);
}

describe('ReadYourWritesChooser', () => {
  it("keeps a user's reads on the side they just wrote to, for the window only", () => {
    const clock = { now: 0 };
    const chooser = chooserAt(clock);
    const alice = { userId: 'alice' };
    expect(chooser.select('items', 'read', alice)).toBe('service');
    expect(chooser.select('items', 'write', alice)).toBe('monolith');
    clock.now = 900;
    expect(chooser.select('items', 'read', alice)).toBe('monolith');
    // Another user is not affected.
    expect(chooser.select('items', 'read', { userId: 'bob' })).toBe('service');
    clock.now = 1_001;
    expect(chooser.select('items', 'read', alice)).toBe('service');
  });

  it('follows the session id before the user, and the request when there is neither', () => {
    const clock = { now: 0 };
    const chooser = chooserAt(clock);
    chooser.select('items', 'write', { userId: 'alice', sessionId: 'tab-1' });
    expect(chooser.select('items', 'read', { userId: 'alice', sessionId: 'tab-1' })).toBe('monolith');
    expect(chooser.select('items', 'read', { userId: 'alice', sessionId: 'tab-2' })).toBe('service');
    chooser.select('items', 'write', { requestId: 'r1' });
    expect(chooser.select('items', 'read', { requestId: 'r1' })).toBe('monolith');
    expect(chooser.select('items', 'read', { requestId: 'r2' })).toBe('service');
  });

  it('follows a write sent to a side without asking (a redirect retry)', () => {
    const clock = { now: 0 };
    const chooser = chooserAt(clock);
    chooser.noteWrite('items', 'service', { userId: 'alice' });
    expect(chooser.select('items', 'read', { userId: 'alice' })).toBe('service');
    chooser.noteWrite('items', 'monolith', { userId: 'alice' });
    expect(chooser.select('items', 'read', { userId: 'alice' })).toBe('monolith');
  });
});
