import { loadTopology, bindTopology } from '@neo/topology';
import { describe, expect, it } from 'vitest';
import { databaseOwners, prometheusConfig } from './scrape-config.js';

const topology = bindTopology(
  loadTopology({
    text: `
version: 1
clusters:
  core:
    temperature: hot
    credentials: { user: core_user, password: secret-core-pw }
    primary: { name: core-primary }
    replicas: [{ name: core-replica-1 }]
  monolith:
    temperature: warm
    credentials: { user: neo_user, password: secret-mono-pw }
    primary: { name: monolith-primary }
monolith: { cluster: monolith, database: neo_service_layer }
services:
  storage:
    cluster: core
    database: neo_storage
  keys:
    cluster: core
    database: neo_keys
`,
  }),
  {
    'core/core-primary': { host: '127.0.0.1', port: 5001 },
    'core/core-replica-1': { host: '127.0.0.1', port: 5002 },
    'monolith/monolith-primary': { host: '127.0.0.1', port: 5003 },
  },
);

describe('prometheusConfig', () => {
  const config = prometheusConfig({
    topology,
    services: [{ service: 'storage', address: '127.0.0.1:3101' }],
    exporters: {
      'core/core-primary': '127.0.0.1:9001',
      'core/core-replica-1': '127.0.0.1:9002',
      'monolith/monolith-primary': '127.0.0.1:9003',
    },
    ruleFiles: ['/rules/alert-rules.yaml'],
  });
  const job = (name: string) => config.scrape_configs.find((scrape) => scrape.job_name === name);

  it('scrapes every service and one exporter per server, labelled as the services label nodes', () => {
    expect(job('neo-services')!.static_configs).toEqual([{ targets: ['127.0.0.1:3101'] }]);
    expect(job('postgres')!.static_configs).toEqual([
      { targets: ['127.0.0.1:9001'], labels: { cluster: 'core', node: 'core/core-primary', role: 'primary' } },
      { targets: ['127.0.0.1:9002'], labels: { cluster: 'core', node: 'core/core-replica-1', role: 'replica' } },
      { targets: ['127.0.0.1:9003'], labels: { cluster: 'monolith', node: 'monolith/monolith-primary', role: 'primary' } },
    ]);
    expect(config.rule_files).toEqual(['/rules/alert-rules.yaml']);
  });

  it('stores the data layer latency under the name the seed query uses', () => {
    const rename = job('neo-services')!.metric_relabel_configs![0]!;
    expect(new RegExp(`^${rename.regex}$`).test('neo_data_query_duration_seconds_bucket')).toBe(true);
    expect(rename.replacement).toBe('postgresql_query_duration_seconds_$1');
  });

  it('gives pg_stat_database series the database and the service that owns it', () => {
    expect(databaseOwners(topology)).toEqual([
      { cluster: 'monolith', database: 'neo_service_layer', service: 'monolith' },
      { cluster: 'core', database: 'neo_storage', service: 'storage' },
      { cluster: 'core', database: 'neo_keys', service: 'keys' },
    ]);
    const rules = job('postgres')!.metric_relabel_configs!;
    const storage = rules.find((rule) => rule.replacement === 'storage')!;
    expect(new RegExp(`^${storage.regex}$`).test('pg_stat_database_numbackends;core;neo_storage')).toBe(true);
    expect(new RegExp(`^${storage.regex}$`).test('pg_stat_database_numbackends;core;neo_keys')).toBe(false);
  });

  it('adds a pgbouncer job only when PgBouncers are given, and never a password', () => {
    expect(job('pgbouncer')).toBeUndefined();
    const withPool = prometheusConfig({
      topology,
      services: [],
      exporters: {},
      ruleFiles: [],
      pgbouncers: [
        { cluster: 'core', address: '127.0.0.1:9127' },
        { cluster: 'blockchain', address: '127.0.0.1:9127' },
      ],
    });
    // One endpoint serving both clusters' PgBouncers is scraped once, keeping each series' own cluster label.
    const pgbouncerJob = withPool.scrape_configs.find((scrape) => scrape.job_name === 'pgbouncer')!;
    expect(pgbouncerJob.static_configs).toEqual([{ targets: ['127.0.0.1:9127'], labels: { cluster: 'core,blockchain' } }]);
    expect(pgbouncerJob.honor_labels).toBe(true);
    expect(JSON.stringify(config)).not.toMatch(/secret-/);
  });
});
