import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bindTopology } from './bind-topology.js';
import { toConnectionUrl, toPgPoolConfig, type DataNode } from './data-node.js';
import { libpqConninfo, libpqTlsEnv, pgClientConfig } from './server-connection.js';
import { topologySchema } from './topology.schema.js';

const dir = mkdtempSync(path.join(tmpdir(), 'neo-server-connection-'));
const ca = path.join(dir, 'ca.crt');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nlocal CA\n-----END CERTIFICATE-----\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const login = { host: '127.0.0.1', port: 5433, user: 'neo_admin', password: "it's secret", database: 'postgres' };
const pool = { max: 1, min: 0, idleTimeoutMs: 1, connectionTimeoutMs: 1 };

describe('connection settings from a login and its cluster TLS', () => {
  it('gives node-postgres verify-full: the CA, and a host check against the node, not "localhost"', () => {
    const config = pgClientConfig({ ...login, tls: { ca } });
    expect(config).toMatchObject({ host: '127.0.0.1', port: 5433, user: 'neo_admin', password: "it's secret", database: 'postgres' });
    const ssl = config.ssl as {
      ca: string;
      rejectUnauthorized: boolean;
      checkServerIdentity: (name: string, cert: object) => Error | undefined;
    };
    expect(ssl).toMatchObject({ ca: expect.stringContaining('local CA'), rejectUnauthorized: true });
    const certificate = { subject: { CN: 'localhost' }, subjectaltname: 'DNS:localhost' };
    expect(ssl.checkServerIdentity('localhost', certificate)?.message).toMatch(/IP: 127\.0\.0\.1 is not in the cert's list/);
    expect(ssl.checkServerIdentity('localhost', { ...certificate, subjectaltname: 'IP Address:127.0.0.1' })).toBeUndefined();
    expect(pgClientConfig(login)).not.toHaveProperty('ssl');
  });

  it('gives libpq the same rule as keywords, a URL query and PG* variables, with no client certificate looked up in $HOME', () => {
    const noClientCertificate = path.join(dir, 'no-client-certificate');
    expect(libpqConninfo({ ...login, tls: { ca } })).toBe(
      `host='127.0.0.1' port='5433' user='neo_admin' dbname='postgres' sslmode='verify-full' sslrootcert='${ca}' sslcert='${noClientCertificate}' password='it\\'s secret'`,
    );
    expect(libpqTlsEnv({ ca })).toEqual({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: ca, PGSSLCERT: noClientCertificate });
    expect(libpqTlsEnv(undefined)).toEqual({});
    const node: DataNode = {
      ...login,
      cluster: 'core',
      node: 'core-primary',
      role: 'primary',
      weight: 1,
      database: 'neo_storage',
      pool,
      tls: { ca },
    };
    const url = new URL(toConnectionUrl(node, { redact: true }));
    expect(Object.fromEntries(url.searchParams)).toEqual({ sslmode: 'verify-full', sslrootcert: ca, sslcert: noClientCertificate });
    expect(url.password).toBe('***');
  });

  it('checks a serverName in place of an IP host: libpq connects to hostaddr and verifies host', () => {
    expect(libpqConninfo({ ...login, password: undefined, tls: { ca, serverName: 'db1.internal' } })).toMatch(
      /^host='db1\.internal' hostaddr='127\.0\.0\.1' port='5433'/,
    );
  });

  it('binds the CA the runtime made to every cluster that declares tls without one, and keeps a declared CA', () => {
    const topology = topologySchema.parse({
      version: 1,
      clusters: {
        core: { temperature: 'hot', credentials: { user: 'u' }, tls: {}, primary: { name: 'core-primary' } },
        ledger: { temperature: 'hot', credentials: { user: 'u' }, tls: { ca: '/etc/neo/ca.crt' }, primary: { name: 'ledger-primary' } },
      },
      services: { s: { cluster: 'core', database: 'neo_s' }, l: { cluster: 'ledger', database: 'neo_l' } },
      monolith: { cluster: 'core' },
    });
    const bound = bindTopology(topology, {
      'core/core-primary': { host: '127.0.0.1', port: 1, ca },
      'ledger/ledger-primary': { host: '127.0.0.1', port: 2, ca },
    });
    expect(bound.clusters['core']?.tls).toEqual({ ca });
    expect(bound.clusters['ledger']?.tls).toEqual({ ca: '/etc/neo/ca.crt' });
    expect(topology.clusters['core']?.tls).toEqual({});
    expect(
      toPgPoolConfig({
        ...login,
        cluster: 'core',
        node: 'n',
        role: 'primary',
        weight: 1,
        pool: { max: 1, min: 0, idleTimeoutMs: 1, connectionTimeoutMs: 1 },
        tls: { ca },
      }).ssl,
    ).toBeDefined();
  });
});
