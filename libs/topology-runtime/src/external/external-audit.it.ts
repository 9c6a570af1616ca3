import { topologySchema, type Topology } from '@neo/topology';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasPgaudit, serverBinaries } from '../embedded/postgres-binaries.js';
import { startTopology } from '../start-topology.js';
import { queryRows } from '../test-support/pg-helpers.js';
import { endpointKey, type RunningTopology } from '../topology-runtime.types.js';

/** One cluster whose `security` service has its writes audited; DDL and role changes audited for all. */
function auditedTopology(): Topology {
  const login = (user: string) => ({ user, password: `${user} pw` });
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
    },
    monolith: { cluster: 'core', database: 'neo_service_layer' },
  });
}

const system = await serverBinaries('auto');
const pgauditInstalled = system.source === 'system' && (await hasPgaudit(system));

/**
 * A server that loads pgaudit (started here with the system binaries, standing for a platform's
 * server) given to the external provider by URL: it sets the per-database audit settings itself.
 */
describe.skipIf(!pgauditInstalled)('external provider on a server that loads pgaudit', () => {
  let server: RunningTopology;
  let url = '';
  const endpoint = { host: '', port: 0 };
  const admin = { user: '', password: '', database: 'postgres' };

  beforeAll(async () => {
    server = await startTopology(auditedTopology(), { provider: 'embedded', binaries: 'system' });
    Object.assign(endpoint, server.endpoints[endpointKey('core', 'core-primary')]);
    Object.assign(admin, { user: server.admin['core']!.user, password: server.admin['core']!.password ?? '' });
    url = `postgresql://${encodeURIComponent(admin.user)}:${encodeURIComponent(admin.password)}@${endpoint.host}:${endpoint.port}/postgres`;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('sets pgaudit.log with writes on the audited service database again after it was reset', async () => {
    await queryRows(endpoint, admin, 'alter database neo_security reset pgaudit.log');
    const external = await startTopology(auditedTopology(), { provider: 'external', env: { NEO_PG_URL: url } });
    await external.stop();
    const settings = await queryRows<{ setconfig: string[] }>(
      endpoint,
      admin,
      `select s.setconfig from pg_db_role_setting s join pg_database d on d.oid = s.setdatabase
        where d.datname = 'neo_security' and s.setrole = 0`,
    );
    expect(settings.flatMap((row) => row.setconfig)).toContain('pgaudit.log=ddl, role, write');
  });
});
