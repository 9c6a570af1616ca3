import { describe, expect, it } from 'vitest';
import { SessionWrites } from './session-writes.js';

function setup(options: { ttlMs?: number; maxSessions?: number } = {}) {
  let time = 0;
  const writes = new SessionWrites({ ...options, now: () => time });
  return { writes, advance: (ms: number) => (time += ms), at: (ms: number) => (time = ms) };
}

describe('SessionWrites', () => {
  it('knows nothing of a session that never wrote', () => {
    expect(setup().writes.state('s')).toBeUndefined();
  });

  it('marks a session pending while its write runs and records when it finished', () => {
    const { writes, at } = setup();
    at(10);
    writes.writeStarted('s');
    expect(writes.state('s')).toEqual({ pending: true, lastWriteFinishedAt: undefined });
    at(25);
    writes.writeFinished('s');
    expect(writes.state('s')).toEqual({ pending: false, lastWriteFinishedAt: 25 });
  });

  it('stays pending until every overlapping write of the session has finished', () => {
    const { writes } = setup();
    writes.writeStarted('s');
    writes.writeStarted('s');
    writes.writeFinished('s');
    expect(writes.state('s')?.pending).toBe(true);
    writes.writeFinished('s');
    expect(writes.state('s')?.pending).toBe(false);
  });

  it('forgets a session after the TTL but never while a write is pending', () => {
    const { writes, advance } = setup({ ttlMs: 1_000 });
    writes.writeStarted('long');
    writes.writeStarted('short');
    writes.writeFinished('short');
    advance(1_001);
    expect(writes.state('short')).toBeUndefined();
    expect(writes.state('long')?.pending).toBe(true);
  });

  it('stays bounded: expired sessions are dropped as new ones write, and the oldest go past the maximum', () => {
    const { writes, advance } = setup({ ttlMs: 1_000, maxSessions: 3 });
    for (let i = 0; i < 3; i++) {
      writes.writeStarted(`old-${i}`);
      writes.writeFinished(`old-${i}`);
    }
    advance(2_000);
    writes.writeStarted('new');
    expect(writes.size).toBe(1);
    for (let i = 0; i < 10; i++) writes.writeFinished(`s-${i}`);
    expect(writes.size).toBe(3);
    expect(writes.state('s-9')).toBeDefined();
    expect(writes.state('s-0')).toBeUndefined();
  });
});
