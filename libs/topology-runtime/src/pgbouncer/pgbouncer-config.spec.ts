import { describe, expect, it } from 'vitest';
import { pgbouncerSchema } from '@neo/topology';
import { readOnlyServers, renderPgBouncerAuthFile, renderPgBouncerIni, type PgBouncerPlan } from './pgbouncer-config.js';

const plan = (overrides: Partial<PgBouncerPlan> = {}): PgBouncerPlan => ({
  cluster: 'core',
  settings: pgbouncerSchema.parse({}),
  listen: { host: '127.0.0.1', port: 6432 },
  primary: { node: 'core-primary', host: '127.0.0.1', port: 5433 },
  replicas: [
    { node: 'core-replica-1', host: '127.0.0.1', port: 5434 },
    { node: 'core-replica-2', host: '127.0.0.1', port: 5435 },
  ],
  databases: ['neo_storage', 'neo_keymanagement'],
  credentials: { user: 'neo_core_user', password: 'pa"ss' },
  admin: { user: 'neo_pgbouncer_admin', password: 'admin-pw' },
  dir: '/tmp/pgb',
  ...overrides,
});

describe('renderPgBouncerIni', () => {
  it("declares the seed's transaction pooling settings by default", () => {
    const ini = renderPgBouncerIni(plan());
    for (const line of [
      'pool_mode = transaction',
      'max_client_conn = 1000',
      'default_pool_size = 25',
      'min_pool_size = 10',
      'reserve_pool_size = 5',
      'reserve_pool_timeout = 3',
      'server_lifetime = 3600',
      'server_idle_timeout = 600',
      'listen_port = 6432',
      'auth_type = scram-sha-256',
    ]) {
      expect(ini.split('\n')).toContain(line);
    }
  });

  it('verifies the servers (verify-full) and takes TLS clients only, for a TLS cluster; no TLS lines otherwise', () => {
    const tls = { ca: '/data/tls/ca.crt', certFile: '/data/tls/server.crt', keyFile: '/data/tls/server.key' };
    const lines = renderPgBouncerIni(plan({ tls })).split('\n');
    for (const line of [
      'server_tls_sslmode = verify-full',
      'server_tls_ca_file = /data/tls/ca.crt',
      'client_tls_sslmode = require',
      'client_tls_cert_file = /data/tls/server.crt',
      'client_tls_key_file = /data/tls/server.key',
    ]) {
      expect(lines).toContain(line);
    }
    expect(renderPgBouncerIni(plan())).not.toMatch(/_tls_/);
  });

  it('gives each database a read-write entry to the primary, a _ro entry and one entry per replica', () => {
    const lines = renderPgBouncerIni(plan()).split('\n');
    expect(lines).toContain('neo_storage = host=127.0.0.1 port=5433 dbname=neo_storage');
    expect(lines).toContain('neo_storage_ro = host=127.0.0.1 port=5434 dbname=neo_storage');
    expect(lines).toContain('neo_storage_ro__core_replica_1 = host=127.0.0.1 port=5434 dbname=neo_storage');
    expect(lines).toContain('neo_storage_ro__core_replica_2 = host=127.0.0.1 port=5435 dbname=neo_storage');
    expect(lines).toContain('neo_keymanagement_ro__core_replica_2 = host=127.0.0.1 port=5435 dbname=neo_keymanagement');
  });

  it('never writes a password into the configuration file', () => {
    expect(renderPgBouncerIni(plan())).not.toMatch(/pa"ss|admin-pw/);
  });
});

describe('readOnlyServers', () => {
  it('lists every replica when they share a port (separate hosts), round-robin in PgBouncer', () => {
    const replicas = [
      { node: 'r1', host: '10.0.0.2', port: 5432 },
      { node: 'r2', host: '10.0.0.3', port: 5432 },
    ];
    expect(readOnlyServers({ primary: plan().primary, replicas })).toEqual(replicas);
    expect(renderPgBouncerIni(plan({ replicas }))).toContain('neo_storage_ro = host=10.0.0.2,10.0.0.3 port=5432 dbname=neo_storage');
  });

  it('names the first replica when they listen on different ports, and the primary when there is none', () => {
    expect(readOnlyServers(plan()).map((s) => s.node)).toEqual(['core-replica-1']);
    expect(readOnlyServers({ primary: plan().primary, replicas: [] }).map((s) => s.node)).toEqual(['core-primary']);
  });
});

describe('renderPgBouncerAuthFile', () => {
  it('writes the server’s SCRAM secret instead of the password when it has one', () => {
    const secret = 'SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy';
    const file = renderPgBouncerAuthFile(plan({ credentials: { user: 'neo_core_user', password: 'pa"ss', scramSecret: secret } }));
    expect(file).toBe(`"neo_core_user" "${secret}"\n"neo_pgbouncer_admin" "admin-pw"\n`);
  });

  it("lists the services' own logins after the cluster role, each once", () => {
    const logins = [
      { user: 'neo_storage_app', scramSecret: 'SCRAM-SHA-256$x' },
      { user: 'neo_storage_ro', password: 'ro-pw' },
      { user: 'neo_core_user' },
    ];
    expect(renderPgBouncerAuthFile(plan({ logins }))).toBe(
      '"neo_core_user" "pa""ss"\n"neo_storage_app" "SCRAM-SHA-256$x"\n"neo_storage_ro" "ro-pw"\n"neo_pgbouncer_admin" "admin-pw"\n',
    );
  });

  it('quotes each field and doubles a double quote inside it', () => {
    expect(renderPgBouncerAuthFile(plan())).toBe('"neo_core_user" "pa""ss"\n"neo_pgbouncer_admin" "admin-pw"\n');
  });
});
