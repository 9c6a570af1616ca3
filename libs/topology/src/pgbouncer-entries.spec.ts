import { describe, expect, it } from 'vitest';
import { bindTopology, pgbouncerEndpointKey } from './bind-topology.js';
import { throughPgBouncer } from './data-node.js';
import { pgbouncerEntryName, pgbouncerReadOnlyEntryName } from './pgbouncer-entries.js';
import { monolithTarget, serviceTargets } from './resolve-targets.js';
import { topologySchema } from './topology.schema.js';

const shared = { defaultPoolSize: 25 };
const declared = topologySchema.parse({
  version: 1,
  clusters: {
    core: {
      temperature: 'hot',
      credentials: { user: 'neo_core', password: 'pw' },
      primary: { name: 'core-primary' },
      replicas: [{ name: 'core-replica-1' }],
      pgbouncer: shared,
    },
    app: { temperature: 'warm', credentials: { user: 'neo_app' }, primary: { name: 'app-primary' }, pgbouncer: shared },
  },
  services: { storage: { cluster: 'core', database: 'neo_storage' } },
  monolith: { cluster: 'core', database: 'neo_service_layer' },
});
const endpoints = {
  'core/core-primary': { host: '127.0.0.1', port: 5433 },
  'core/core-replica-1': { host: '127.0.0.1', port: 5434 },
  'app/app-primary': { host: '127.0.0.1', port: 5435 },
};

describe('PgBouncer entries', () => {
  it('names the read-write entry after the database, the _ro entry and one entry per replica', () => {
    expect(pgbouncerEntryName('neo_storage', { role: 'primary', node: 'core-primary' })).toBe('neo_storage');
    expect(pgbouncerReadOnlyEntryName('neo_storage')).toBe('neo_storage_ro');
    expect(pgbouncerEntryName('neo_storage', { role: 'replica', node: 'core-replica-1' })).toBe('neo_storage_ro__core_replica_1');
  });

  it('gives each target its PgBouncer entry once the cluster’s PgBouncer is bound, and the server stays its host/port', () => {
    const bound = bindTopology(declared, { ...endpoints, [pgbouncerEndpointKey('core')]: { host: '127.0.0.1', port: 6432 } });
    const { primary, replicas } = serviceTargets(bound, 'storage');
    expect(primary).toMatchObject({ host: '127.0.0.1', port: 5433, database: 'neo_storage' });
    expect(primary.pgbouncer).toEqual({ host: '127.0.0.1', port: 6432, database: 'neo_storage' });
    expect(replicas[0]?.pgbouncer).toEqual({ host: '127.0.0.1', port: 6432, database: 'neo_storage_ro__core_replica_1' });
    expect(throughPgBouncer(replicas[0]!)).toMatchObject({
      node: 'core-replica-1',
      role: 'replica',
      port: 6432,
      database: 'neo_storage_ro__core_replica_1',
    });
    // The other cluster shares the declared block but not the address.
    expect(bound.clusters['app']?.pgbouncer?.host).toBeUndefined();
  });

  it('leaves a schema inside the monolith direct: PgBouncer would drop the search_path', () => {
    const bound = bindTopology(declared, { ...endpoints, [pgbouncerEndpointKey('core')]: { host: '127.0.0.1', port: 6432 } });
    const node = monolithTarget(bound, 'storage');
    expect(node.pgbouncer).toBeUndefined();
    expect(throughPgBouncer(node)).toBe(node);
  });

  it('connects directly when no PgBouncer is bound', () => {
    expect(serviceTargets(bindTopology(declared, endpoints), 'storage').primary.pgbouncer).toBeUndefined();
  });
});
