import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  libpqConninfo,
  pgClientConfig,
  serviceTargets,
  throughPgBouncer,
  toPgPoolConfig,
  topologySchema,
  type DataNode,
} from '@neo/topology';
import { ensureLocalCertificates, findPgBouncer, findPostgresProgram, runProgram, type RunningTopology } from '@neo/topology-runtime';
import { loadTestTopology, startIsolatedTopology } from '@neo/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A cluster that declares `tls` on real servers: the runtime makes a local CA and server
 * certificates, the servers accept TLS only (replication included), and clients verify the
 * server's certificate and name (sslmode=verify-full).
 */
const topology = topologySchema.parse({
  version: 1,
  clusters: {
    vaultcluster: {
      temperature: 'hot',
      credentials: { user: 'neo_vault_user', password: 'vault-pw' },
      replication: { user: 'neo_vault_replication', password: 'vault-repl-pw' },
      tls: {},
      primary: { name: 'vault-primary' },
      replicas: [{ name: 'vault-replica-1' }],
      pgbouncer: {},
    },
  },
  services: { vault: { cluster: 'vaultcluster', database: 'neo_vault' } },
  monolith: { cluster: 'vaultcluster', database: 'neo_service_layer' },
});

let running: RunningTopology;
let primary: DataNode;
let replica: DataNode;
let scratch: string;

beforeAll(async () => {
  running = await startIsolatedTopology({ topology, pgbouncer: true });
  ({
    primary,
    replicas: [replica],
  } = serviceTargets(running.topology, 'vault') as { primary: DataNode; replicas: [DataNode] });
  scratch = await mkdtemp(path.join(tmpdir(), 'neo-tls-'));
}, 600_000);

afterAll(async () => {
  await running?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(config: pg.ClientConfig, sql: string): Promise<T[]> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const SSL_IN_USE = 'select ssl, version from pg_stat_ssl where pid = pg_backend_pid()';

describe('TLS from the topology', () => {
  it('connects the service with TLS, verified against the local CA, to the primary and the replica', async () => {
    expect(primary.tls?.ca).toBe(path.join(running.dataDir!, 'tls', 'ca.crt'));
    const tlsInUse = [{ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) }];
    expect(await query<{ ssl: boolean; version: string }>(toPgPoolConfig(primary), SSL_IN_USE)).toEqual(tlsInUse);
    // The replica has the database once it has replayed its creation.
    await expect
      .poll(() => query<{ ssl: boolean; version: string }>(toPgPoolConfig(replica), SSL_IN_USE).catch((error: Error) => error.message), {
        timeout: 30_000,
      })
      .toEqual(tlsInUse);
    // The replica streams from a server that accepts TLS only.
    const admin = { ...toPgPoolConfig(primary), ...running.admin['vaultcluster']!, database: 'postgres' };
    expect(
      await query<{ usename: string; ssl: boolean }>(admin, 'select usename, ssl from pg_stat_replication join pg_stat_ssl using (pid)'),
    ).toEqual([{ usename: 'neo_vault_replication', ssl: true }]);
  });

  it('refuses a plain-text connection', async () => {
    const { ssl: _ssl, ...plain } = toPgPoolConfig(primary);
    await expect(query(plain, 'select 1')).rejects.toThrow(
      /no pg_hba\.conf entry for host "127\.0\.0\.1", user "neo_vault_user", database "neo_vault", no encryption/,
    );
  });

  it('fails verification against another CA', async () => {
    const other = await ensureLocalCertificates(path.join(scratch, 'other-ca'), { hosts: ['127.0.0.1'] });
    await expect(query(toPgPoolConfig({ ...primary, tls: { ca: other.caFile } }), 'select 1')).rejects.toThrow(
      /unable to verify the first certificate/,
    );
  });

  it('fails when the certificate does not name the server', async () => {
    await expect(query(toPgPoolConfig({ ...primary, tls: { ...primary.tls, serverName: 'db.example.com' } }), 'select 1')).rejects.toThrow(
      /Hostname\/IP does not match certificate's altnames: Host: db\.example\.com\. is not in the cert's altnames: IP Address:127\.0\.0\.1, DNS:localhost/,
    );
  });

  it('keeps the CA it made and reuses it', async () => {
    const dir = path.join(scratch, 'kept');
    const first = await ensureLocalCertificates(dir, { hosts: ['127.0.0.1'] });
    const ca = await readFile(first.caFile, 'utf8');
    const again = await ensureLocalCertificates(dir, { hosts: ['127.0.0.1'] });
    expect(await readFile(again.caFile, 'utf8')).toBe(ca);
  });

  it('is on for every cluster of the default topology (config/topology.yaml)', () => {
    const clusters = Object.entries(loadTestTopology().clusters);
    expect(clusters.filter(([, cluster]) => !cluster.tls).map(([name]) => name)).toEqual([]);
    expect(clusters.length).toBeGreaterThan(0);
  });

  it('gives libpq programs verify-full with the CA, and they fail against another CA', async () => {
    const admin = { ...running.endpoints['vaultcluster/vault-primary']!, ...running.admin['vaultcluster']!, database: 'neo_vault' };
    const pgDump = await findPostgresProgram('pg_dump', 15);
    const dump = ['--schema-only', `--host=${admin.host}`, `--port=${admin.port}`, `--username=${admin.user}`, '--dbname=neo_vault'];
    expect(await runProgram(pgDump, dump, { password: admin.password, tls: admin.tls })).toContain('PostgreSQL database dump');
    const other = await ensureLocalCertificates(path.join(scratch, 'other-for-libpq'), { hosts: ['127.0.0.1'] });
    await expect(runProgram(pgDump, dump, { password: admin.password, tls: { ca: other.caFile } })).rejects.toThrow(
      /certificate verify failed/,
    );
    // A subscription's CONNECTION (libpq in the server): verify-full with the CA, the password inside.
    expect(libpqConninfo(admin)).toMatch(/sslmode='verify-full' sslrootcert='[^']+\/tls\/ca\.crt'/);
  });

  it.skipIf(!findPgBouncer())('puts PgBouncer on TLS both ways: verified to the servers, TLS only from its clients', async () => {
    const viaPgBouncer = throughPgBouncer(primary);
    expect(viaPgBouncer.port).not.toBe(primary.port);
    // The client verifies PgBouncer (the local certificate names 127.0.0.1) and PgBouncer the server.
    expect(await query<{ ssl: boolean }>(toPgPoolConfig(viaPgBouncer), 'select ssl from pg_stat_ssl where pid = pg_backend_pid()')).toEqual(
      [{ ssl: true }],
    );
    const { ssl: _ssl, ...plain } = toPgPoolConfig(viaPgBouncer);
    await expect(query(plain, 'select 1')).rejects.toThrow(/SSL required/);
    const admin = running.pgbouncers[0]!.admin;
    expect(await query(pgClientConfig({ ...viaPgBouncer, ...admin, database: 'pgbouncer' }), 'show version')).toHaveLength(1);
  });
});
