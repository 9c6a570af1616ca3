import { describe, expect, it } from 'vitest';
import { compareTables } from './restore-backup.js';
import { restoreTargetFromUrl } from './restore-target.js';

describe('compareTables', () => {
  const backup = {
    tables: [
      { schema: 'public', table: 'orders', rows: 3, checksum: '100' },
      { schema: 'public', table: 'lines', rows: 9, checksum: '200' },
    ],
  };

  it('accepts equal tables', () => {
    expect(compareTables(backup, [...backup.tables].reverse())).toEqual([]);
  });

  it('names missing, extra and different tables', () => {
    expect(
      compareTables(backup, [
        { schema: 'public', table: 'orders', rows: 3, checksum: '101' },
        { schema: 'public', table: 'audit', rows: 0, checksum: '0' },
      ]),
    ).toEqual([
      "public.orders has the backup's 3 rows but different contents (checksum)",
      'public.lines is missing',
      'public.audit is not in the backup',
    ]);
    expect(compareTables(backup, [{ ...backup.tables[0]!, rows: 2 }, backup.tables[1]!])).toEqual([
      'public.orders has 2 rows, the backup 3',
    ]);
  });
});

describe('restoreTargetFromUrl', () => {
  it('reads user, password, host and port, and names the server without the password', () => {
    expect(restoreTargetFromUrl('postgres://admin:s%40cret@db.example:6543/postgres', {})).toEqual({
      label: 'db.example:6543',
      host: 'db.example',
      port: 6543,
      login: { user: 'admin', password: 's@cret' },
    });
  });

  it('takes the password from PGPASSWORD when the URL has none, and is undefined for a cluster name', () => {
    expect(restoreTargetFromUrl('postgresql://admin@db', { PGPASSWORD: 'pw' })?.login).toEqual({ user: 'admin', password: 'pw' });
    expect(restoreTargetFromUrl('core', {})).toBeUndefined();
  });

  it('restores over verified TLS when the URL asks for verify-full, with its CA', () => {
    expect(restoreTargetFromUrl('postgres://admin@db:5432?sslmode=verify-full&sslrootcert=/etc/neo/ca.crt', {})?.tls).toEqual({
      ca: '/etc/neo/ca.crt',
    });
    expect(restoreTargetFromUrl('postgres://admin@db:5432', {})).not.toHaveProperty('tls');
  });
});
