import { describe, expect, it } from 'vitest';
import { runWithRequestContext } from './request-context.js';
import { currentSessionKey, sessionKeyOf, withSession } from './session-key.js';

describe('read-your-writes session key', () => {
  it('is the session id, else the user per tenant, else the request', () => {
    expect(sessionKeyOf({ sessionId: 's', userId: 'u', requestId: 'r' })).toBe('session:s');
    expect(sessionKeyOf({ userId: 'u', tenant: 't', requestId: 'r' })).toBe('user:t:u');
    expect(sessionKeyOf({ userId: 'u', tenant: 'other' })).not.toBe(sessionKeyOf({ userId: 'u', tenant: 't' }));
    expect(sessionKeyOf({ requestId: 'r' })).toBe('request:r');
    expect(sessionKeyOf({})).toBeUndefined();
    expect(sessionKeyOf(undefined)).toBeUndefined();
  });

  it('takes the session from the request context unless an explicit session is open', () => {
    expect(currentSessionKey()).toBeUndefined();
    runWithRequestContext({ userId: 'u1' }, () => {
      expect(currentSessionKey()).toBe('user::u1');
      withSession('job-7', () => expect(currentSessionKey()).toBe('session:job-7'));
    });
  });

  it('gives a withSession name and a request with that session id the same key', () => {
    const named = withSession('checkout-9', () => currentSessionKey());
    const fromRequest = runWithRequestContext({ sessionId: 'checkout-9', userId: 'u1' }, () => currentSessionKey());
    expect(named).toBe(fromRequest);
  });

  it('reads a context given explicitly', () => {
    expect(currentSessionKey({ requestId: 'r-2' })).toBe('request:r-2');
  });
});
