import { describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';

function breakerWithClock(options: { failureThreshold?: number } = {}) {
  let time = 0;
  const changes: BreakerState[] = [];
  const breaker = new CircuitBreaker({
    baseBackoffMs: 100,
    maxBackoffMs: 400,
    failureThreshold: options.failureThreshold ?? 2,
    now: () => time,
    onStateChange: (state) => changes.push(state),
  });
  return { breaker, changes, advance: (ms: number) => (time += ms) };
}

describe('CircuitBreaker', () => {
  it('stays closed below the failure threshold and forgets failures after a success', () => {
    const { breaker } = breakerWithClock();
    breaker.recordFailure(new Error('reset'));
    expect(breaker.state).toBe('closed');
    breaker.recordSuccess();
    breaker.recordFailure(new Error('reset'));
    expect(breaker.state).toBe('closed');
    expect(breaker.isAvailable()).toBe(true);
  });

  it('opens after consecutive connection failures and refuses requests during the backoff', () => {
    const { breaker, advance } = breakerWithClock();
    const refused = new Error('ECONNREFUSED');
    breaker.recordFailure(refused);
    breaker.recordFailure(refused);
    expect(breaker.state).toBe('open');
    expect(breaker.lastError).toBe(refused);
    advance(99);
    expect(breaker.isAvailable()).toBe(false);
    expect(breaker.acquire()).toBe(false);
  });

  it('lets exactly one probe through after the backoff; its success closes the breaker', () => {
    const { breaker, advance, changes } = breakerWithClock({ failureThreshold: 1 });
    breaker.recordFailure();
    advance(100);
    expect(breaker.acquire()).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.acquire()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('doubles the backoff when the probe fails, up to the maximum, and resets it on recovery', () => {
    const { breaker, advance } = breakerWithClock({ failureThreshold: 1 });
    breaker.recordFailure();
    const backoffs = [breaker.currentBackoffMs];
    for (let i = 0; i < 4; i++) {
      advance(breaker.currentBackoffMs);
      expect(breaker.acquire()).toBe(true);
      breaker.recordFailure();
      backoffs.push(breaker.currentBackoffMs);
    }
    expect(backoffs).toEqual([100, 200, 400, 400, 400]);
    advance(400);
    breaker.acquire();
    breaker.recordSuccess();
    expect(breaker.currentBackoffMs).toBe(100);
  });

  it('ignores late results of requests sent before it opened', () => {
    const { breaker } = breakerWithClock({ failureThreshold: 1 });
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.currentBackoffMs).toBe(100);
  });

  it('closes on a monitor probe success only once the backoff is over', () => {
    const { breaker, advance } = breakerWithClock({ failureThreshold: 1 });
    breaker.recordFailure();
    breaker.recordProbeSuccess();
    expect(breaker.state).toBe('open');
    advance(100);
    breaker.recordProbeSuccess();
    expect(breaker.state).toBe('closed');
  });

  it('allows a new probe when the previous one never reported back', () => {
    const { breaker, advance } = breakerWithClock({ failureThreshold: 1 });
    breaker.recordFailure();
    advance(100);
    expect(breaker.acquire()).toBe(true);
    advance(399);
    expect(breaker.acquire()).toBe(false);
    advance(1);
    expect(breaker.acquire()).toBe(true);
  });
});
