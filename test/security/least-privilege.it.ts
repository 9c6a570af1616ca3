import { migrateFleet } from '@neo/data/migrations';
import { findService, pgClientConfig, replicationCredentials, type Credentials, type TlsSettings, type Topology } from '@neo/topology';
import type { RunningTopology } from '@neo/topology-runtime';
import { startIsolatedTopology, withClient } from '@neo/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The security matrix of config/topology.yaml on real servers (the core and analytics clusters and
 * the monolith): every role of every service on those clusters, the replication and cluster roles,
 * and a stranger, each tried against each database with each action. The table is printed; each
 * cell is also asserted.
 */

type Action = 'connect' | 'read' | 'write' | 'ddl' | 'replication';
type Outcome = 'allowed' | 'refused';

interface Cell {
  role: string;
  place: string;
  action: Action;
  expected: Outcome;
  actual?: Outcome;
  /** The server's reason for a refusal (SQLSTATE and message). */
  reason?: string;
}

/** The clusters started: core (replicas, shards, read-only roles) and analytics (owner and app roles only). */
const CLUSTERS = ['core', 'analytics'] as const;
/** A table every service has in its own database and in its monolith schema (storage's come from its migrations). */
const PROBE_TABLE = 'probe_items';

let running: RunningTopology;
let topology: Topology;
type Server = { host: string; port: number; tls?: TlsSettings | undefined };
/** Every service on the started clusters. */
let services: string[];
let primary: Server;
let monolithServer: Server;
const matrix: Cell[] = [];

/** The primary server of the cluster a service lives on. */
function serverOf(service: string): Server {
  const cluster = topology.clusters[findService(topology, service).cluster]!;
  return { host: cluster.primary.host!, port: cluster.primary.port!, tls: cluster.tls };
}

beforeAll(async () => {
  running = await startIsolatedTopology({ clusters: [...CLUSTERS, 'monolith'] });
  topology = running.topology;
  services = Object.keys(topology.services).filter((service) =>
    (CLUSTERS as readonly string[]).includes(findService(topology, service).cluster),
  );
  primary = serverOf('storage');
  const monolith = topology.clusters['monolith']!;
  monolithServer = { host: monolith.primary.host!, port: monolith.primary.port!, tls: monolith.tls };
  // Real migrations, run as storage's owner role; the other services get a table made by their owner role.
  await migrateFleet({ topology, services: ['storage'] });
  for (const service of services) {
    const owner = rolesOf(service).owner;
    for (const [server, database, schema] of [
      [serverOf(service), findService(topology, service).database, 'public'],
      [monolithServer, topology.monolith.database, service],
    ] as const) {
      await withClient({ ...server, database, ...owner }, (client) =>
        client.query(`create table if not exists ${schema}.${PROBE_TABLE} (id int primary key)`),
      );
    }
  }
}, 600_000);

afterAll(async () => {
  await running?.stop();
});

function rolesOf(service: string): { owner: Credentials; app: Credentials; readonly?: Credentials } {
  const roles = findService(topology, service).roles;
  if (!roles) throw new Error(`config/topology.yaml declares no owner and app roles for ${service}`);
  return { owner: roles.owner, app: roles.app, ...(roles.readonly ? { readonly: roles.readonly } : {}) };
}

/** Runs one action as `login` and records whether the server allowed it. */
async function attempt(
  login: Credentials,
  server: Server,
  database: string,
  action: Action,
  schema = 'public',
): Promise<{ outcome: Outcome; reason?: string }> {
  const client = new pg.Client({
    ...pgClientConfig({ ...server, database, ...login }),
    ...(action === 'replication' ? { replication: 'database' } : {}),
    connectionTimeoutMillis: 10_000,
  } as pg.ClientConfig);
  try {
    await client.connect();
    const sql: Record<Action, string> = {
      connect: 'select 1',
      read: `select count(*) from ${schema}.${PROBE_TABLE}`,
      // DELETE privilege is checked before any row is looked at.
      write: `delete from ${schema}.${PROBE_TABLE} where false`,
      ddl: `create table ${schema}.neo_probe_${login.user} (id int); drop table ${schema}.neo_probe_${login.user}`,
      replication: 'IDENTIFY_SYSTEM',
    };
    await client.query(sql[action]);
    return { outcome: 'allowed' };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { outcome: 'refused', reason: `${code ?? ''} ${message}`.trim() };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function check(cell: Omit<Cell, 'actual' | 'reason'>, login: Credentials, server: Server, database: string, schema?: string) {
  const result = await attempt(login, server, database, cell.action, schema);
  matrix.push({ ...cell, actual: result.outcome, ...(result.reason ? { reason: result.reason } : {}) });
}

describe('least privilege from the topology', () => {
  it('gives each service role exactly its own databases and monolith schema', async () => {
    for (const service of services) {
      const roles = rolesOf(service);
      const own = findService(topology, service).database;
      const server = serverOf(service);
      const others = services.filter((other) => other !== service);
      const monolith = topology.monolith.database;
      const logins: Array<['owner' | 'app' | 'readonly', Credentials]> = [
        ['owner', roles.owner],
        ['app', roles.app],
      ];
      if (roles.readonly) logins.push(['readonly', roles.readonly]);
      for (const [kind, login] of logins) {
        const role = login.user;
        const mayWrite: Outcome = kind === 'readonly' ? 'refused' : 'allowed';
        const mayDdl: Outcome = kind === 'owner' ? 'allowed' : 'refused';
        await check({ role, place: own, action: 'read', expected: 'allowed' }, login, server, own);
        await check({ role, place: own, action: 'write', expected: mayWrite }, login, server, own);
        await check({ role, place: own, action: 'ddl', expected: mayDdl }, login, server, own);
        await check(
          { role, place: `${monolith}.${service}`, action: 'read', expected: 'allowed' },
          login,
          monolithServer,
          monolith,
          service,
        );
        await check(
          { role, place: `${monolith}.${service}`, action: 'write', expected: mayWrite },
          login,
          monolithServer,
          monolith,
          service,
        );
        await check({ role, place: `${monolith}.${service}`, action: 'ddl', expected: mayDdl }, login, monolithServer, monolith, service);
        for (const other of others) {
          const theirs = findService(topology, other).database;
          // On its own server, where this role exists too when both services share the cluster.
          await check({ role, place: theirs, action: 'connect', expected: 'refused' }, login, serverOf(other), theirs);
          await check({ role, place: `${monolith}.${other}`, action: 'read', expected: 'refused' }, login, monolithServer, monolith, other);
        }
        await check({ role, place: own, action: 'replication', expected: 'refused' }, login, server, own);
      }
    }
    // Storage's shards belong to storage's roles only.
    const shard = findService(topology, 'storage').sharding!.shards[0]!.database;
    await check(
      { role: rolesOf('storage').app.user, place: shard, action: 'connect', expected: 'allowed' },
      rolesOf('storage').app,
      primary,
      shard,
    );
    await check(
      { role: rolesOf('security').app.user, place: shard, action: 'connect', expected: 'refused' },
      rolesOf('security').app,
      primary,
      shard,
    );
    assertMatrix();
  });

  it('keeps REPLICATION to the replication role, which reads no table', async () => {
    const core = topology.clusters['core']!;
    const replication = replicationCredentials(core);
    expect(replication.user).not.toBe(core.credentials.user);
    const storage = findService(topology, 'storage').database;
    await check({ role: replication.user, place: storage, action: 'replication', expected: 'allowed' }, replication, primary, storage);
    await check({ role: replication.user, place: storage, action: 'read', expected: 'refused' }, replication, primary, storage);
    await check(
      { role: core.credentials.user, place: storage, action: 'replication', expected: 'refused' },
      core.credentials,
      primary,
      storage,
    );
    // The replica streams as the replication role.
    await withClient({ ...primary, database: 'postgres', ...running.admin['core']! }, async (client) => {
      const { rows } = await client.query<{ usename: string }>('select usename from pg_stat_replication');
      expect(rows.map((row) => row.usename)).toEqual([replication.user]);
    });
    assertMatrix();
  });

  it('refuses CONNECT to a role that was granted nothing (revoked from PUBLIC)', async () => {
    const stranger = { user: 'neo_stranger', password: 'stranger-pw' };
    // On every server: a role that exists and was granted nothing (not one the server does not know).
    for (const cluster of CLUSTERS) {
      const server = topology.clusters[cluster]!.primary;
      await withClient({ host: server.host!, port: server.port!, database: 'postgres', ...running.admin[cluster]! }, (client) =>
        client.query(`drop role if exists neo_stranger; create role neo_stranger login password '${stranger.password}'`),
      );
    }
    for (const service of services) {
      const database = findService(topology, service).database;
      await check({ role: stranger.user, place: database, action: 'connect', expected: 'refused' }, stranger, serverOf(service), database);
    }
    assertMatrix();
  });

  it('lets the read-only role read on the replica', async () => {
    const replica = topology.clusters['core']!.replicas[0]!;
    const own = findService(topology, 'storage').database;
    const login = rolesOf('storage').readonly;
    if (!login) throw new Error('config/topology.yaml declares no readonly role for storage');
    await expect
      .poll(() => attempt(login, { host: replica.host!, port: replica.port!, tls: topology.clusters['core']!.tls }, own, 'read'), {
        timeout: 30_000,
      })
      .toEqual({ outcome: 'allowed' });
    matrix.push({ role: login.user, place: `${own} (replica)`, action: 'read', expected: 'allowed', actual: 'allowed' });
  });

  afterAll(() => {
    // The matrix, for people: role × database × action → allowed or refused.
    const lines = matrix.map((cell) => `${cell.role.padEnd(24)} ${cell.place.padEnd(34)} ${cell.action.padEnd(12)} ${cell.actual}`);
    console.log(['security matrix (role, database[.schema], action, outcome):', ...lines].join('\n'));
  });
});

function assertMatrix(): void {
  const wrong = matrix.filter((cell) => cell.actual !== cell.expected);
  expect(wrong.map((cell) => `${cell.role} ${cell.place} ${cell.action}: ${cell.actual} (${cell.reason ?? 'no error'})`)).toEqual([]);
}
