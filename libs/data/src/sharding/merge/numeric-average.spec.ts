import { describe, expect, it } from 'vitest';
import { postgresNumericAverage } from './numeric-average.js';

// Each expected value is PostgreSQL 15's own answer to `SELECT avg(x) FROM (VALUES …) v(x)`
// with x numeric of the given scale (checked on a real server in sharded-vs-single.it.ts too).
describe('postgresNumericAverage', () => {
  it('keeps 16 significant digits, as numeric division does', () => {
    expect(postgresNumericAverage('10', 3)).toBe('3.3333333333333333');
    expect(postgresNumericAverage('90', 2)).toBe('45.0000000000000000');
    expect(postgresNumericAverage('1.00', 3, 2)).toBe('0.33333333333333333333');
  });

  it('adds decimals for small quotients and drops them for large ones, never below the sum scale', () => {
    expect(postgresNumericAverage('0.05', 3, 2)).toBe('0.01666666666666666667');
    expect(postgresNumericAverage('29999999999.97', 3, 2)).toBe('9999999999.99000000');
    expect(postgresNumericAverage('123456789012345678901234.5', 7, 1)).toBe('17636684144620811271604.9');
  });

  it('rounds half away from zero, negative sums included', () => {
    expect(postgresNumericAverage('-10', 3)).toBe('-3.3333333333333333');
    expect(postgresNumericAverage('-20', 3)).toBe('-6.6666666666666667');
    expect(postgresNumericAverage('0', 5)).toBe('0.00000000000000000000');
  });
});
