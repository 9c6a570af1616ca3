import { describe, expect, it } from 'vitest';
import { InvalidFeedValueError } from './feed.errors.js';
import { canonicalValue } from './feed-value.js';

describe('canonicalValue', () => {
  it('writes every value with exactly the feed decimals and no leading zeros', () => {
    expect(canonicalValue('1', 2)).toBe('1.00');
    expect(canonicalValue('007.5', 3)).toBe('7.500');
    expect(canonicalValue('-0.01', 2)).toBe('-0.01');
    expect(canonicalValue('-0.00', 2)).toBe('0.00');
    expect(canonicalValue('12.300', 1)).toBe('12.3');
    expect(canonicalValue('42', 0)).toBe('42');
    expect(canonicalValue('9'.repeat(60) + '.' + '9'.repeat(18), 18)).toBe('9'.repeat(60) + '.' + '9'.repeat(18));
  });

  it('refuses more decimal places than the feed has, saying how many', () => {
    expect(() => canonicalValue('1.234', 2)).toThrow(InvalidFeedValueError);
    expect(() => canonicalValue('1.234', 2)).toThrow(/3 decimal places, but this feed has 2/);
    expect(() => canonicalValue('1.5', 0)).toThrow(/1 decimal places/);
  });

  it('refuses what is not a plain decimal, or too large for the column', () => {
    for (const bad of ['', '1e5', '+1', ' 1', '1.', '.5', 'NaN', '0x10']) {
      expect(() => canonicalValue(bad, 2), bad).toThrow(InvalidFeedValueError);
    }
    expect(() => canonicalValue('1' + '0'.repeat(60), 0)).toThrow(/61 integer digits/);
  });
});
