import { describe, expect, it } from 'vitest';
import { describeRowDifferences } from './table-checksum.js';
import { WRITE_REDIRECT_SQLSTATE, writeRedirectOf } from './write-guard.js';

describe('writeRedirectOf', () => {
  it('reads the side to retry on from a guard error, and ignores other errors', () => {
    expect(writeRedirectOf({ code: WRITE_REDIRECT_SQLSTATE, detail: 'service', message: 'go there' })).toEqual({
      side: 'service',
      message: 'go there',
    });
    expect(writeRedirectOf({ code: WRITE_REDIRECT_SQLSTATE, detail: 'switching', message: 'later' })?.side).toBe('switching');
    expect(writeRedirectOf({ code: '23505', detail: 'service' })).toBeUndefined();
    expect(writeRedirectOf(new Error('boom'))).toBeUndefined();
  });
});

describe('describeRowDifferences', () => {
  it('names missing, extra and changed rows by key', () => {
    const expected = new Map([
      ['(1)', 'a'],
      ['(2)', 'b'],
      ['(3)', 'c'],
    ]);
    const actual = new Map([
      ['(2)', 'b'],
      ['(3)', 'X'],
      ['(4)', 'd'],
    ]);
    expect(describeRowDifferences(expected, actual)).toEqual(['1 missing (key (1))', '1 extra (key (4))', '1 different (key (3))']);
  });
});
