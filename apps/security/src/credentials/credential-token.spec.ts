import { describe, expect, it } from 'vitest';
import { newToken, parseToken, secretMatches } from './credential-token.js';

const id = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('credential tokens', () => {
  it('carry the credential id and a secret that only its hash matches', () => {
    const { token, secretHash } = newToken(id);
    expect(token).toMatch(/^neo_0193a1b2c3d47e5f8a9b0c1d2e3f4a5b_[A-Za-z0-9_-]{43}$/);
    const parsed = parseToken(token)!;
    expect(parsed.credentialId).toBe(id);
    expect(secretMatches(parsed.secret, secretHash)).toBe(true);
    expect(secretMatches(parseToken(newToken(id).token)!.secret, secretHash)).toBe(false);
    expect(Buffer.from(secretHash).toString('base64url')).not.toContain(parsed.secret);
  });

  it.each([
    '',
    'neo_',
    `neo_${'0'.repeat(32)}_short`,
    `xyz_${'0'.repeat(32)}_${'a'.repeat(43)}`,
    `neo_${'G'.repeat(32)}_${'a'.repeat(43)}`,
  ])('refuses %j', (token) => {
    expect(parseToken(token)).toBeUndefined();
  });
});
