import { describe, expect, it } from 'vitest';
import { planClusters } from '../topology-plan.js';
import { sampleTopology } from '../test-support/sample-topology.js';
import { envName, parseServerUrl, readExternalServers } from './external-urls.js';

describe('external server URLs', () => {
  const plans = planClusters(sampleTopology());

  it('upper-cases names and turns "-" into "_"', () => {
    expect(envName('core-replica-1')).toBe('CORE_REPLICA_1');
  });

  it('uses NEO_PG_URL for every cluster, a cluster URL before it, and replica URLs where given', () => {
    const servers = readExternalServers(plans, {
      NEO_PG_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
      NEO_PG_URL_CORE: 'postgres://neo:s%40cret@core-db:6543/admin',
      NEO_PG_URL_CORE_CORE_REPLICA_2: 'postgresql://neo:x@core-db-2/postgres',
    });
    expect(servers['core']?.primary).toEqual({ host: 'core-db', port: 6543, user: 'neo', password: 's@cret', database: 'admin' });
    expect(Object.keys(servers['core']?.replicas ?? {})).toEqual(['core-replica-2']);
    expect(servers['core']?.replicas['core-replica-2']?.port).toBe(5432);
    expect(servers['app']?.primary).toEqual({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  });

  it('says which variable to set when a cluster has no server', () => {
    expect(() => readExternalServers(plans, { NEO_PG_URL_CORE: 'postgresql://a@b/c' })).toThrow(/NEO_PG_URL_APP or NEO_PG_URL/);
  });

  it('refuses a malformed URL without repeating it (it may hold a password)', () => {
    expect(() => parseServerUrl('mysql://u:topsecret@h/d', 'NEO_PG_URL')).toThrow(/must start with postgresql/);
    let message = '';
    try {
      parseServerUrl('not a url topsecret', 'NEO_PG_URL');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/NEO_PG_URL is not a valid URL/);
    expect(message).not.toContain('topsecret');
  });
});
