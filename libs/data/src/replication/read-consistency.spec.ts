import { describe, expect, it } from 'vitest';
import { runWithRequestContext } from '../context/request-context.js';
import { currentReadConsistency, currentSessionKey, withReadConsistency, withSession } from './read-consistency.js';

describe('read consistency scopes', () => {
  it('defaults to session consistency and nests', async () => {
    expect(currentReadConsistency()).toBe('session');
    await withReadConsistency('stale-ok', async () => {
      await Promise.resolve();
      expect(currentReadConsistency()).toBe('stale-ok');
      withReadConsistency('fresh', () => expect(currentReadConsistency()).toBe('fresh'));
      expect(currentReadConsistency()).toBe('stale-ok');
    });
  });

  it('takes the session from the request context unless an explicit session is open', () => {
    expect(currentSessionKey()).toBeUndefined();
    runWithRequestContext({ userId: 'u1' }, () => {
      expect(currentSessionKey()).toBe('user::u1');
      withSession('job-7', () => expect(currentSessionKey()).toBe('scope:job-7'));
    });
  });

  it('keeps the consistency when a session is opened inside it', () => {
    withReadConsistency('primary', () =>
      withSession('s', () => {
        expect(currentReadConsistency()).toBe('primary');
        expect(currentSessionKey()).toBe('scope:s');
      }),
    );
  });
});
