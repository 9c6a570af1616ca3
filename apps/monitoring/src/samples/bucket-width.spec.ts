import { describe, expect, it } from 'vitest';
import { parseBucketWidth } from './bucket-width.js';
import { InvalidSeriesQueryError } from './samples.errors.js';

describe('parseBucketWidth', () => {
  it.each([
    ['15s', 15],
    ['1m', 60],
    ['5m', 300],
    ['1h', 3_600],
    ['2d', 172_800],
  ])('reads %s as %i seconds', (text, seconds) => {
    expect(parseBucketWidth(text)).toEqual({ seconds, interval: `${seconds} seconds` });
  });

  it.each(['', '0m', '1', 'm', '1w', '1.5m', '-1m', '1m; DROP TABLE x'])('refuses %j', (text) => {
    expect(() => parseBucketWidth(text)).toThrow(InvalidSeriesQueryError);
  });
});
