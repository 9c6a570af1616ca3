import { describe, expect, it } from 'vitest';
import { passwordClause, scramSha256Verifier, scramVerifierMatches } from './scram-verifier.js';

describe('SCRAM-SHA-256 verifiers', () => {
  it('recognises the verifier of a password, whatever its salt, and nothing else', () => {
    const stored = scramSha256Verifier('s3cret');
    expect(stored).toMatch(/^SCRAM-SHA-256\$4096:[^$]+\$[^:]+:.+$/);
    expect(scramVerifierMatches(stored, 's3cret')).toBe(true);
    expect(scramVerifierMatches(scramSha256Verifier('s3cret'), 's3cret')).toBe(true);
    expect(scramVerifierMatches(stored, 's3cret ')).toBe(false);
    expect(scramVerifierMatches('md5abc', 's3cret')).toBe(false);
    expect(scramVerifierMatches(null, 's3cret')).toBe(false);
  });

  it('leaves an unchanged password as it is (PgBouncer holds its verifier), and sets a new or changed one', () => {
    const quote = (text: string) => `'${text}'`;
    const stored = scramSha256Verifier('s3cret');
    expect(passwordClause(quote, 's3cret', stored)).toBe('');
    expect(passwordClause(quote, 'other', stored)).toMatch(/^password 'SCRAM-SHA-256\$4096:/);
    expect(passwordClause(quote, 's3cret', null)).toMatch(/^password 'SCRAM-SHA-256\$4096:/);
    expect(passwordClause(quote, undefined, stored)).toBe('password null');
  });
});
