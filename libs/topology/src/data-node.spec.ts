import { describe, expect, it } from 'vitest';
import { dataNodeLabel, toConnectionUrl, toPgPoolConfig, type DataNode } from './data-node.js';

const node: DataNode = {
  cluster: 'core',
  node: 'core-primary',
  role: 'primary',
  host: '127.0.0.1',
  port: 54321,
  database: 'neo_storage',
  user: 'neo_core_user',
  password: 'p@ss:w/rd?',
  pool: { max: 12, min: 2, idleTimeoutMs: 1000, connectionTimeoutMs: 2000 },
  weight: 1,
};

describe('DataNode', () => {
  it('labels a target by cluster, node, database (and schema), with no secret', () => {
    expect(dataNodeLabel(node)).toBe('core/core-primary/neo_storage');
    expect(dataNodeLabel({ ...node, schema: 'storage' })).toBe('core/core-primary/neo_storage/storage');
  });

  it('builds node-postgres pool settings from the pool block', () => {
    expect(toPgPoolConfig(node)).toEqual({
      host: '127.0.0.1',
      port: 54321,
      database: 'neo_storage',
      user: 'neo_core_user',
      password: 'p@ss:w/rd?',
      max: 12,
      min: 2,
      idleTimeoutMillis: 1000,
      connectionTimeoutMillis: 2000,
      application_name: 'neo:core-primary',
    });
    expect(toPgPoolConfig({ ...node, schema: 'storage' }).options).toBe('-c search_path=storage');
    const withoutPassword: DataNode = { ...node };
    delete withoutPassword.password;
    expect(toPgPoolConfig(withoutPassword)).not.toHaveProperty('password');
  });

  it('builds a URL with the password encoded, or redacted', () => {
    const url = toConnectionUrl(node);
    expect(url).toBe('postgresql://neo_core_user:p%40ss%3Aw%2Frd%3F@127.0.0.1:54321/neo_storage');
    expect(decodeURIComponent(new URL(url).password)).toBe('p@ss:w/rd?');
    const redacted = toConnectionUrl(node, { redact: true });
    expect(redacted).toBe('postgresql://neo_core_user:***@127.0.0.1:54321/neo_storage');
    expect(redacted).not.toContain('p%40ss');
  });

  it('passes a schema as a search_path option and brackets an IPv6 host', () => {
    const url = new URL(toConnectionUrl({ ...node, host: '::1', schema: 'storage' }, { redact: true }));
    expect(url.hostname).toBe('[::1]');
    expect(url.searchParams.get('options')).toBe('-c search_path=storage');
  });
});
