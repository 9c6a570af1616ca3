import { describe, expect, it } from 'vitest';
import { currentSessionKey, withSession } from '../context/session-key.js';
import { currentReadConsistency, withReadConsistency } from './read-consistency.js';

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

  it('keeps the consistency when a session is opened inside it', () => {
    withReadConsistency('primary', () =>
      withSession('s', () => {
        expect(currentReadConsistency()).toBe('primary');
        expect(currentSessionKey()).toBe('session:s');
      }),
    );
  });
});
