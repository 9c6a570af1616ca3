import { describe, expect, it } from 'vitest';
import { parseConnectionString } from './connection-string.js';

describe('parseConnectionString', () => {
  it('reads Npgsql key=value strings, keys in any case and alias', () => {
    expect(parseConnectionString('Host=db1;Port=5433;Database=neo_storage;Username=neo_core_user;Password=pw')).toEqual({
      ok: true,
      value: { host: 'db1', port: 5433, database: 'neo_storage', user: 'neo_core_user', password: 'pw' },
    });
    expect(parseConnectionString('server = db2 ; User ID=u; PWD=p; Pooling=true;')).toEqual({
      ok: true,
      value: { host: 'db2', user: 'u', password: 'p' },
    });
    expect(parseConnectionString('Host=postgres-storage-2024')).toEqual({ ok: true, value: { host: 'postgres-storage-2024' } });
  });

  it('reads quoted values with ";" and doubled quotes inside', () => {
    expect(parseConnectionString(`Host=db;Password="a;b""c";Username='it''s'`)).toEqual({
      ok: true,
      value: { host: 'db', password: 'a;b"c', user: "it's" },
    });
  });

  it('reads postgres:// and postgresql:// URLs, decoding user and password', () => {
    expect(parseConnectionString('postgres://u%40x:p%3Aw@db.internal:6432/neo_oracle')).toEqual({
      ok: true,
      value: { host: 'db.internal', port: 6432, database: 'neo_oracle', user: 'u@x', password: 'p:w' },
    });
    expect(parseConnectionString('postgresql://[::1]/db')).toEqual({ ok: true, value: { host: '::1', database: 'db' } });
  });

  it('refuses what it cannot read, without echoing the input', () => {
    for (const bad of ['just-a-host', 'Host=a,b', 'Host=db;Port=abc', 'Host=db;Password="unclosed', 'Host=db;oops;Port=1']) {
      const result = parseConnectionString(`${bad}`);
      expect(result.ok, bad).toBe(false);
      if (!result.ok) expect(`${result.problem} ${result.hint}`).not.toContain(bad);
    }
  });
});
