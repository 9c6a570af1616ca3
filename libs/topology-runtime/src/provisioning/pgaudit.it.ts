import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { topologySchema, type Topology } from '@neo/topology';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPgaudit, serverBinaries } from '../embedded/postgres-binaries.js';
import { startTopology } from '../start-topology.js';
import { eventually, queryRows } from '../test-support/pg-helpers.js';
import type { RunningTopology } from '../topology-runtime.types.js';

const login = (user: string) => ({ user, password: `${user} pw` });

/** One cluster holding two services and the monolith; DDL and roles audited, writes of `security` only. */
function auditedTopology(): Topology {
  return topologySchema.parse({
    version: 1,
    clusters: {
      core: {
        temperature: 'warm',
        credentials: { user: 'neo_core', password: 'core-secret' },
        primary: { name: 'core-primary' },
        audit: {},
      },
    },
    services: {
      security: {
        cluster: 'core',
        database: 'neo_security',
        roles: { owner: login('neo_security_owner'), app: login('neo_security_app') },
        audit: { writes: true },
      },
      storage: {
        cluster: 'core',
        database: 'neo_storage',
        roles: { owner: login('neo_storage_owner'), app: login('neo_storage_app') },
      },
    },
    monolith: { cluster: 'core', database: 'neo_service_layer' },
  });
}

const system = await serverBinaries('auto');
const pgauditInstalled = system.source === 'system' && (await hasPgaudit(system));
if (!pgauditInstalled) {
  console.log('pgaudit.it.ts: the audited run is skipped: no system PostgreSQL 15 with pgaudit (apt-get install postgresql-15-pgaudit)');
}

describe.skipIf(!pgauditInstalled)('pgaudit with the system PostgreSQL 15 binaries', () => {
  // A folder only this user can enter (mode 0700): as root, the servers run as `postgres` and the
  // runtime must still reach the data (the root/0700 trap) with the system's programs.
  let privateDir = '';
  let running: RunningTopology;
  const lines: string[] = [];
  const secret = 'parameter-secret-7f3a9c';

  beforeAll(async () => {
    privateDir = await mkdtemp(path.join(tmpdir(), 'neo-audit-'));
    running = await startTopology(auditedTopology(), {
      provider: 'embedded',
      binaries: 'system',
      dataDir: path.join(privateDir, '.neo', 'data'),
      durable: false,
      log: (line) => lines.push(line),
    });
  });

  afterAll(async () => {
    await running?.stop();
    if (running?.dataDir) await rm(running.dataDir, { recursive: true, force: true });
    await rm(privateDir, { recursive: true, force: true });
  });

  const run = (user: string, database: string, sql: string, params: unknown[] = []) =>
    queryRows(running.endpoints['core/core-primary']!, { ...login(user), database }, sql, params);

  it("logs DDL and the security service's writes, not another service's writes, and no parameter value", async () => {
    expect(lines.join('\n')).toContain('PostgreSQL binaries: system');
    expect(lines.join('\n')).toMatch(/audit: pgaudit on core \(ddl, role; writes of neo_security, neo_security_owner in neo_service_layer/);

    // Security: DDL as its owner, a write as its app role, in its database and in its monolith schema.
    await run('neo_security_owner', 'neo_security', 'create table audited_credentials (id serial primary key, secret text)');
    await run('neo_security_app', 'neo_security', 'insert into audited_credentials (secret) values ($1)', [secret]);
    await run('neo_security_owner', 'neo_service_layer', 'create table security.audited_tokens (secret text)');
    await run('neo_security_app', 'neo_service_layer', 'insert into security.audited_tokens (secret) values ($1)', [secret]);
    // Storage: its writes are not audited, on either side.
    await run('neo_storage_owner', 'neo_storage', 'create table unaudited_objects (name text)');
    await run('neo_storage_app', 'neo_storage', 'insert into unaudited_objects (name) values ($1)', [secret]);
    await run('neo_storage_owner', 'neo_service_layer', 'create table storage.unaudited_blobs (name text)');
    await run('neo_storage_app', 'neo_service_layer', 'insert into storage.unaudited_blobs (name) values ($1)', [secret]);

    // The server log the runtime keeps beside each data directory.
    const logFile = path.join(running.dataDir!, 'core', 'core-primary.log');
    const audit = await eventually(async () => {
      const text = await readFile(logFile, 'utf8');
      return text.includes('unaudited_blobs') ? text.split('\n').filter((line) => line.includes('AUDIT: ')) : undefined;
    });
    const matching = (pattern: RegExp) => audit.filter((line) => pattern.test(line));

    expect(matching(/AUDIT: SESSION,\d+,\d+,DDL,CREATE TABLE,.*create table audited_credentials/)).toHaveLength(1);
    expect(matching(/AUDIT: SESSION,\d+,\d+,WRITE,INSERT,.*insert into audited_credentials .*<not logged>$/)).toHaveLength(1);
    expect(matching(/AUDIT: SESSION,\d+,\d+,WRITE,INSERT,.*insert into security\.audited_tokens/)).toHaveLength(1);
    // DDL is audited everywhere; another service's writes are not.
    expect(matching(/DDL,CREATE TABLE,.*create table unaudited_objects/)).toHaveLength(1);
    expect(matching(/WRITE,.*unaudited_objects|WRITE,.*unaudited_blobs/)).toEqual([]);
    // Role changes are audited with the password redacted: neither parameters nor passwords reach the log.
    expect(matching(/ROLE,(CREATE|ALTER) ROLE,.*password <REDACTED>/).length).toBeGreaterThan(0);
    const whole = await readFile(logFile, 'utf8');
    expect(whole).not.toContain(secret);
    for (const password of ['core-secret', 'neo_security_app pw', 'neo_storage_app pw']) expect(whole).not.toContain(password);
  });
});

describe('pgaudit where the binaries lack it', () => {
  it('says in one line that audit is off and how to get it, and starts anyway', async () => {
    const lines: string[] = [];
    const running = await startTopology(auditedTopology(), { provider: 'embedded', binaries: 'embedded', log: (line) => lines.push(line) });
    try {
      const off = lines.filter((line) => line.startsWith('audit: '));
      expect(off).toEqual([expect.stringMatching(/^audit: off, the embedded PostgreSQL binaries have no pgaudit; .*--binaries system/)]);
      const [setting] = await queryRows<{ shared_preload_libraries: string }>(
        running.endpoints['core/core-primary']!,
        { ...running.admin['core']!, database: 'postgres' },
        'show shared_preload_libraries',
      );
      expect(setting?.shared_preload_libraries).toBe('pg_stat_statements');
    } finally {
      await running.stop();
    }
  });
});
