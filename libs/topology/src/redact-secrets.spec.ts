import { describe, expect, it } from 'vitest';
import { collectSecrets, redactSecrets } from './redact-secrets.js';

describe('redactSecrets', () => {
  it('replaces every whole occurrence of each secret, longest first', () => {
    expect(redactSecrets('a "pw-1" and pw-1, not pw-12', ['pw-1', 'pw-12'])).toBe('a "***" and ***, not ***');
  });

  it('leaves a short secret alone inside longer words', () => {
    expect(redactSecrets('user neo_core_user (password "neo")', ['neo'])).toBe('user neo_core_user (password "***")');
  });

  it('treats regular-expression characters in a secret literally', () => {
    expect(redactSecrets('x a.b*c y', ['a.b*c'])).toBe('x *** y');
    expect(redactSecrets('x aXb y', ['a.b'])).toBe('x aXb y');
  });
});

describe('collectSecrets', () => {
  it('finds values under password-like keys and passwords inside connection strings', () => {
    const found = collectSecrets({
      credentials: { user: 'u', password: 'p1' },
      list: ['Host=h;Password=p2', 'postgres://u:p3@h/db', 'Host=h'],
      apiToken: 't1',
      host: 'not-a-secret',
    });
    expect([...found].sort()).toEqual(['p1', 'p2', 'p3', 't1']);
  });
});
