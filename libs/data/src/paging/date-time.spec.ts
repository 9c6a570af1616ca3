import { describe, expect, it } from 'vitest';
import { isStorableInstant, parseIsoDateTime } from './date-time.js';

describe('parseIsoDateTime', () => {
  it.each([
    ['2026-01-31T12:00:00Z', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31T12:00Z', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31T12:00:00.5Z', '2026-01-31T12:00:00.500Z'],
    ['2026-01-31T12:00:00.123456789Z', '2026-01-31T12:00:00.123Z'],
    ['2026-01-31T12:00:00+01:30', '2026-01-31T10:30:00.000Z'],
    ['2024-02-29T00:00:00-00:00', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseIsoDateTime(text)?.toISOString()).toBe(iso);
  });

  it.each([
    'yesterday',
    '2026-02-30T00:00:00Z', // Date.parse makes this March 2
    '2025-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:00:00', // no zone: the server's local time would be guessed
    '2026-01-01',
    '-271821-04-20T00:00:00.000Z',
    '+275760-09-13T00:00:00.000Z',
    '10000-01-01T00:00:00Z',
    '2026-01-01T00:00:00Z\u0000',
    ' 2026-01-01T00:00:00Z',
  ])('refuses %j', (text) => {
    expect(parseIsoDateTime(text)).toBeUndefined();
  });
});

describe('isStorableInstant', () => {
  it('takes the years 1 to 9999, which PostgreSQL stores and gives back through the driver', () => {
    expect(isStorableInstant(new Date('0001-01-01T00:00:00Z'))).toBe(true);
    expect(isStorableInstant(new Date('9999-12-31T23:59:59.999Z'))).toBe(true);
    expect(isStorableInstant(new Date('0000-12-31T23:59:59.999Z'))).toBe(false);
    expect(isStorableInstant(parseIsoDateTime('0001-01-01T00:00:00+01:00')!)).toBe(false);
    expect(isStorableInstant(new Date(8.64e15))).toBe(false);
    expect(isStorableInstant(new Date(Number.NaN))).toBe(false);
  });
});
