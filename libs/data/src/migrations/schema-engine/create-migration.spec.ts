import { describe, expect, it } from 'vitest';
import { migrationNameSlug, nextTimestamp } from './create-migration.js';

describe('migrationNameSlug', () => {
  it('turns a description into lower-case words joined by "_"', () => {
    expect(migrationNameSlug('Add owner index')).toBe('add_owner_index');
    expect(migrationNameSlug('  storage: add-content-type ')).toBe('storage_add_content_type');
  });

  it('refuses a name with nothing usable in it', () => {
    expect(() => migrationNameSlug('!!!')).toThrow(/not a usable migration name/);
  });
});

describe('nextTimestamp', () => {
  const now = new Date(Date.UTC(2026, 10, 28, 5, 40, 32));

  it('is the UTC time as YYYYMMDDHHMMSS, as Prisma names migrations', () => {
    expect(nextTimestamp(now, [])).toBe('20261128054032');
    expect(nextTimestamp(now, ['20261128054031_init'])).toBe('20261128054032');
  });

  it('moves past the newest existing migration so the new one always sorts last', () => {
    expect(nextTimestamp(now, ['20261128054032_init'])).toBe('20261128054033');
    expect(nextTimestamp(now, ['20261231235959_from_a_fast_clock', '20261128054032_init'])).toBe('20270101000000');
  });
});
