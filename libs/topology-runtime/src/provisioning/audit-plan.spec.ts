import { topologySchema, type TopologyInput } from '@neo/topology';
import { describe, expect, it } from 'vitest';
import { planClusterAudit, pgauditLogValue } from './audit-plan.js';

const login = (user: string) => ({ user, password: 'pw' });

function topology(overrides: { coreAudit?: object; security?: object; keys?: object } = {}) {
  const input: TopologyInput = {
    version: 1,
    clusters: {
      core: { temperature: 'hot', credentials: login('neo_core'), primary: { name: 'core-primary' }, ...overrides.coreAudit },
      mono: { temperature: 'warm', credentials: login('neo_user'), primary: { name: 'mono-primary' } },
    },
    services: {
      security: {
        cluster: 'core',
        database: 'neo_security',
        roles: { owner: login('neo_security_owner'), app: login('neo_security_app') },
        ...overrides.security,
      },
      keymanagement: { cluster: 'core', database: 'neo_keymanagement', ...overrides.keys },
      storage: {
        cluster: 'core',
        database: 'neo_storage',
        sharding: {
          strategy: 'modulo',
          key: 'id',
          models: ['Item'],
          shards: [
            { name: 's0', database: 'neo_storage_0', remainder: 0 },
            { name: 's1', database: 'neo_storage_1', remainder: 1, cluster: 'mono' },
          ],
        },
      },
    },
    monolith: { cluster: 'mono', database: 'neo_service_layer' },
  };
  return topologySchema.parse(input);
}

describe('planClusterAudit', () => {
  it('audits nothing when the topology declares no audit', () => {
    expect(planClusterAudit(topology(), 'core')).toBeUndefined();
    expect(planClusterAudit(topology(), 'mono')).toBeUndefined();
  });

  it('turns a cluster\'s "audit: {}" into DDL and role audit of its servers', () => {
    expect(planClusterAudit(topology({ coreAudit: { audit: {} } }), 'core')).toEqual({
      classes: ['ddl', 'role'],
      writeDatabases: [],
      writeRoles: [],
    });
    expect(planClusterAudit(topology({ coreAudit: { audit: { role: false } } }), 'core')?.classes).toEqual(['ddl']);
    expect(planClusterAudit(topology({ coreAudit: { audit: {} } }), 'mono')).toBeUndefined();
  });

  it("audits a service's writes in its own database and, by its roles, in the monolith", () => {
    const audited = topology({ coreAudit: { audit: {} }, security: { audit: { writes: true } } });
    expect(planClusterAudit(audited, 'core')).toEqual({ classes: ['ddl', 'role'], writeDatabases: ['neo_security'], writeRoles: [] });
    // The monolith's cluster declares no audit of its own: only the security roles' writes there.
    expect(planClusterAudit(audited, 'mono')).toEqual({
      classes: [],
      writeDatabases: [],
      writeRoles: [
        { role: 'neo_security_owner', database: 'neo_service_layer' },
        { role: 'neo_security_app', database: 'neo_service_layer' },
      ],
    });
  });

  it("covers a service's shards wherever they live, and a service without roles by its cluster's role in the monolith", () => {
    const audited = topology({ keys: { audit: { writes: true } } });
    expect(planClusterAudit(audited, 'core')?.writeDatabases).toEqual(['neo_keymanagement']);
    expect(planClusterAudit(audited, 'mono')?.writeRoles).toEqual([{ role: 'neo_user', database: 'neo_service_layer' }]);
    const shards = topologySchema.parse({
      ...topology(),
      services: { ...topology().services, storage: { ...topology().services['storage']!, audit: { writes: true } } },
    });
    expect(planClusterAudit(shards, 'core')?.writeDatabases).toEqual(['neo_storage', 'neo_storage_0']);
    expect(planClusterAudit(shards, 'mono')?.writeDatabases).toEqual(['neo_storage_1']);
  });

  it('writes pgaudit.log values as pgaudit reads them', () => {
    expect(pgauditLogValue(['ddl', 'role', 'write'])).toBe('ddl, role, write');
    expect(pgauditLogValue([])).toBe('none');
  });
});
