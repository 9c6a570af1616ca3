import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTopology, locateTopologyFile } from './load-topology.js';
import { TopologyError } from './topology.error.js';

const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));
const configFile = join(workspaceRoot, 'config/topology.yaml');

/** A small valid topology, as YAML, that each test bends in one place. */
const minimal = (overrides: { cluster?: string; service?: string; extra?: string } = {}): string => `
version: 1
clusters:
  core:
    temperature: hot
    credentials: { user: neo_core_user, password: "\${CORE_DB_PASSWORD:-dev_pw}" }
    primary: { name: core-primary${overrides.cluster ?? ''} }
    replicas: [{ name: core-replica-1 }]
services:
  storage:
    cluster: core
    database: neo_storage${overrides.service ?? ''}
monolith: { cluster: core }
${overrides.extra ?? ''}`;

function refusal(load: () => unknown): TopologyError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(TopologyError);
    return error as TopologyError;
  }
  throw new Error('expected the topology to be refused');
}

describe('loadTopology: the local default file', () => {
  const topology = loadTopology({ path: configFile }, { env: {} });

  it('declares the five clusters of the seed layout with their shapes', () => {
    expect(Object.keys(topology.clusters).sort()).toEqual(['analytics', 'application', 'blockchain', 'core', 'monolith']);
    expect(topology.clusters['core']!.temperature).toBe('hot');
    expect(topology.clusters['core']!.replicas).toHaveLength(1);
    expect(topology.clusters['blockchain']!.replicas).toHaveLength(2);
    expect(topology.clusters['application']!.temperature).toBe('warm');
    expect(topology.clusters['application']!.replicas).toHaveLength(0);
    expect(topology.clusters['application']!.backups?.schedule).toBeTruthy();
    expect(topology.clusters['analytics']!.temperature).toBe('cold');
    expect(topology.monolith).toEqual({ cluster: 'monolith', database: 'neo_service_layer' });
  });

  it('declares the twelve services, three per cluster, each in its neo_<service> database', () => {
    const byCluster: Record<string, string[]> = {};
    for (const [name, service] of Object.entries(topology.services)) {
      expect(service.database).toBe(`neo_${name}`);
      (byCluster[service.cluster] ??= []).push(name);
    }
    expect(byCluster).toEqual({
      core: ['storage', 'keymanagement', 'security'],
      blockchain: ['oracle', 'smartcontracts', 'crosschain'],
      application: ['notification', 'automation', 'voting'],
      analytics: ['monitoring', 'analytics', 'reporting'],
    });
  });

  it('gives storage yearly range shards on createdDate and smartcontracts four modulo shards on userId', () => {
    const storage = topology.services['storage']!.sharding!;
    expect(storage).toMatchObject({ strategy: 'range', key: 'createdDate', models: ['StorageObject'] });
    expect(storage.shards.map((s) => [s.name, s.range])).toEqual([
      ['storage_2024', { from: '2024-01-01', to: '2025-01-01' }],
      ['storage_2025', { from: '2025-01-01', to: '2026-01-01' }],
      ['storage_2026', { from: '2026-01-01' }],
    ]);
    const contracts = topology.services['smartcontracts']!.sharding!;
    expect(contracts).toMatchObject({ strategy: 'modulo', key: 'userId', models: ['Transaction'], referenceModels: ['Contract'] });
    expect(contracts.shards.map((s) => [s.name, s.remainder])).toEqual([0, 1, 2, 3].map((r) => [`smartcontracts_${r}`, r]));
  });

  it('gives oracle round-robin reads under 100 ms of lag and a 300 s read-through cache', () => {
    const oracle = topology.services['oracle']!;
    expect(oracle.reads).toMatchObject({ policy: 'round-robin', maxLagMs: 100 });
    expect(oracle.cache).toMatchObject({ strategy: 'read-through', ttlSeconds: 300 });
  });

  it('takes passwords from the environment, with a local default', () => {
    expect(topology.clusters['core']!.credentials.user).toBe('neo_core_user');
    const withEnv = loadTopology({ path: configFile }, { env: { CORE_DB_PASSWORD: 'from-env' } });
    expect(withEnv.clusters['core']!.credentials.password).toBe('from-env');
    expect(withEnv.clusters['core']!.credentials.password).not.toBe(topology.clusters['core']!.credentials.password);
  });

  it('is found from any directory inside the workspace, or through NEO_TOPOLOGY', () => {
    expect(locateTopologyFile({ cwd: join(workspaceRoot, 'libs/data/src'), env: {} })).toBe(configFile);
    expect(locateTopologyFile({ cwd: '/', env: { NEO_TOPOLOGY: '/elsewhere/t.yaml' } })).toBe('/elsewhere/t.yaml');
  });
});

describe('loadTopology for one service: only its own logins need their passwords', () => {
  const file = {
    version: 1,
    clusters: {
      core: { temperature: 'hot', primary: { name: 'core-primary' }, credentials: { user: 'neo_core', password: '${CORE_PW}' } },
      blockchain: {
        temperature: 'hot',
        primary: { name: 'blockchain-primary' },
        credentials: { user: 'neo_blockchain', password: '${BLOCKCHAIN_PW}' },
        replication: { user: 'neo_blockchain_replication', password: '${BLOCKCHAIN_REPLICATION_PW}' },
      },
    },
    monolith: { cluster: 'core' },
    services: {
      storage: {
        cluster: 'core',
        database: 'neo_storage',
        roles: {
          owner: { user: 'neo_storage_owner', password: '${STORAGE_OWNER_PW}' },
          app: { user: 'neo_storage_app', password: '${STORAGE_APP_PW}' },
        },
      },
      oracle: {
        cluster: 'blockchain',
        database: 'neo_oracle',
        roles: {
          owner: { user: 'neo_oracle_owner', password: '${ORACLE_OWNER_PW}' },
          app: { user: 'neo_oracle_app', password: '${ORACLE_APP_PW}' },
        },
      },
    },
  };
  const storageEnv = { CORE_PW: 'c', STORAGE_OWNER_PW: 'o', STORAGE_APP_PW: 'a' };

  it("loads with the service's own secrets alone and leaves the others' passwords out", () => {
    const topology = loadTopology({ object: file }, { env: storageEnv, forService: 'storage' });
    expect(topology.services['storage']!.roles).toMatchObject({ owner: { password: 'o' }, app: { password: 'a' } });
    expect(topology.services['oracle']!.roles!.app).toEqual({ user: 'neo_oracle_app' });
    expect(topology.clusters['blockchain']!.credentials).toEqual({ user: 'neo_blockchain' });
    expect(topology.clusters['blockchain']!.replication).toEqual({ user: 'neo_blockchain_replication' });
  });

  it("still names a missing variable of the service's own logins or clusters", () => {
    expect(() => loadTopology({ object: file }, { env: { ...storageEnv, STORAGE_APP_PW: undefined }, forService: 'storage' })).toThrow(
      /STORAGE_APP_PW is not set/,
    );
    expect(() => loadTopology({ object: file }, { env: { ...storageEnv, CORE_PW: undefined }, forService: 'storage' })).toThrow(
      /CORE_PW is not set/,
    );
  });

  it('needs every variable when loaded for no service in particular', () => {
    expect(() => loadTopology({ object: file }, { env: storageEnv })).toThrow(/ORACLE_APP_PW is not set/);
  });
});

describe('loadTopology: sources', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('reads the same topology from a file, from text, from JSON text and from an object', () => {
    dir = mkdtempSync(join(tmpdir(), 'neo-topology-'));
    const file = join(dir, 'topology.yaml');
    writeFileSync(file, minimal());
    const fromFile = loadTopology({ path: file }, { env: {} });
    const fromText = loadTopology({ text: minimal() }, { env: {} });
    const fromJson = loadTopology({ text: JSON.stringify(fromText) }, { env: {} });
    const fromObject = loadTopology({ object: structuredClone(fromText) }, { env: {} });
    expect(fromText).toEqual(fromFile);
    expect(fromJson).toEqual(fromFile);
    expect(fromObject).toEqual(fromFile);
    expect(fromFile.clusters['core']!.credentials.password).toBe('dev_pw');
  });

  it('fills defaults: pool, reads, replica weight, the monolith database', () => {
    const topology = loadTopology({ text: minimal() }, { env: {} });
    expect(topology.clusters['core']!.pool).toEqual({ max: 10, min: 0, idleTimeoutMs: 30_000, connectionTimeoutMs: 5_000 });
    expect(topology.services['storage']!.reads).toEqual({ policy: 'round-robin', maxLagMs: 100, lagPollIntervalMs: 200 });
    expect(topology.clusters['core']!.replicas[0]!.weight).toBe(1);
    expect(topology.monolith.database).toBe('neo_service_layer');
  });

  it('reads write coalescing with its defaults, and names a bad batch size with a hint', () => {
    const coalescing = minimal({ service: '\n    writes: { coalesce: { models: [StorageObject] } }' });
    expect(loadTopology({ text: coalescing }, { env: {} }).services['storage']!.writes).toEqual({
      coalesce: { models: ['StorageObject'], maxBatch: 100, windowMs: 0, rawInserts: true },
    });
    const error = refusal(() =>
      loadTopology({ text: minimal({ service: '\n    writes: { coalesce: { models: [StorageObject], maxBatch: 1 } }' }) }, { env: {} }),
    );
    expect(error.problems[0]).toMatchObject({ path: 'services.storage.writes.coalesce.maxBatch', hint: 'e.g. 100' });
  });

  it('gives a node declared with a host but no port the PostgreSQL port 5432', () => {
    const topology = loadTopology({ text: minimal({ cluster: ', host: db1.internal' }) }, { env: {} });
    expect(topology.clusters['core']!.primary).toMatchObject({ host: 'db1.internal', port: 5432 });
  });

  it('turns an interpolated port into a number', () => {
    const topology = loadTopology({ text: minimal({ cluster: ', host: db1, port: "${PG_PORT}"' }) }, { env: { PG_PORT: '6432' } });
    expect(topology.clusters['core']!.primary.port).toBe(6432);
  });

  it('reports a missing file with its path', () => {
    const error = refusal(() => loadTopology({ path: '/nonexistent/topology.yaml' }));
    expect(error.code).toBe('TOPOLOGY_UNREADABLE');
    expect(error.message).toContain('/nonexistent/topology.yaml');
    expect(error.message).toContain('ENOENT');
  });
});

describe("loadTopology: a cluster's failover block", () => {
  const withFailover = (block: string): string => minimal().replace('replicas:', `failover: ${block}\n    replicas:`);

  it('is optional, and its fields default to 5 s unreachable and a check every 500 ms', () => {
    expect(loadTopology({ text: minimal() }, { env: {} }).clusters['core']!.failover).toBeUndefined();
    expect(loadTopology({ text: withFailover('{}') }, { env: {} }).clusters['core']!.failover).toEqual({
      unreachableForMs: 5_000,
      checkIntervalMs: 500,
    });
  });

  it('takes a declared time, also from the environment', () => {
    const text = withFailover('{ unreachableForMs: "${FAILOVER_MS}", checkIntervalMs: 200 }');
    expect(loadTopology({ text }, { env: { FAILOVER_MS: '1500' } }).clusters['core']!.failover).toEqual({
      unreachableForMs: 1_500,
      checkIntervalMs: 200,
    });
  });

  it('names a bad time, what it expects and a hint', () => {
    const bad = (block: string): TopologyError => refusal(() => loadTopology({ text: withFailover(block) }, { env: {} }));
    expect(bad('{ unreachableForMs: 100 }').problems).toEqual([
      expect.objectContaining({
        path: 'clusters.core.failover.unreachableForMs',
        problem: 'expected a whole number of milliseconds from 500 to 600000',
        hint: expect.stringContaining('e.g. 5000'),
      }),
    ]);
    expect(bad('{ unreachableForMs: soon }').problems[0]).toMatchObject({ path: 'clusters.core.failover.unreachableForMs' });
    expect(bad('{ unreachableForMs: 1000, checkIntervalMs: 2000 }').problems).toEqual([
      expect.objectContaining({
        path: 'clusters.core.failover.checkIntervalMs',
        problem: expect.stringContaining('must not be longer than unreachableForMs'),
      }),
    ]);
    expect(bad('{ unreachableFor: 1000 }').problems[0]).toMatchObject({ path: 'clusters.core.failover.unreachableFor' });
  });
});

describe('loadTopology: refusals', () => {
  it('names the path of a bad field, what it expects, and a hint', () => {
    const error = refusal(() => loadTopology({ text: minimal({ cluster: ', host: db1, port: 70000' }) }, { env: {} }));
    expect(error.code).toBe('TOPOLOGY_INVALID');
    expect(error.problems).toEqual([
      expect.objectContaining({
        path: 'clusters.core.primary.port',
        problem: 'expected a number from 1 to 65535',
        hint: expect.stringContaining('5432'),
      }),
    ]);
    expect(error.message).toMatch(/clusters\.core\.primary\.port: expected a number from 1 to 65535 — .*5432/);
  });

  it('lists every problem at once', () => {
    const text = minimal({ cluster: ', port: banana', service: '-bad', extra: 'surprise: 1' });
    const error = refusal(() => loadTopology({ text }, { env: {} }));
    const paths = error.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['clusters.core.primary.port', 'services.storage.database', 'surprise']));
    expect(error.message).toContain(`(${error.problems.length} problems)`);
  });

  it('names an unknown field and the fields allowed in its place', () => {
    const error = refusal(() => loadTopology({ text: minimal({ cluster: ', hots: db1' }) }, { env: {} }));
    expect(error.problems[0]).toMatchObject({ path: 'clusters.core.primary.hots', problem: 'is not a known field' });
    expect(error.problems[0]!.hint).toContain('host, port');
  });

  it('says which field is missing', () => {
    const text = minimal().replace('    temperature: hot\n', '');
    const error = refusal(() => loadTopology({ text }, { env: {} }));
    expect(error.problems).toEqual([
      expect.objectContaining({
        path: 'clusters.core.temperature',
        problem: expect.stringMatching(/^is required: one of hot, warm, cold/),
      }),
    ]);
  });

  it('names a missing environment variable and the field that needs it', () => {
    const text = minimal().replace('${CORE_DB_PASSWORD:-dev_pw}', '${CORE_DB_PASSWORD}');
    const error = refusal(() => loadTopology({ text }, { env: {} }));
    expect(error.problems).toEqual([
      {
        path: 'clusters.core.credentials.password',
        problem: 'environment variable CORE_DB_PASSWORD is not set',
        hint: expect.stringContaining('${CORE_DB_PASSWORD:-'),
      },
    ]);
  });

  it('reports a field with a missing variable once, for the variable', () => {
    const error = refusal(() => loadTopology({ text: minimal({ cluster: ', host: db1, port: "${PG_PORT}"' }) }, { env: {} }));
    expect(error.problems.map((p) => p.path)).toEqual(['clusters.core.primary.port']);
    expect(error.problems[0]!.problem).toContain('PG_PORT');
  });

  it('refuses a service on an undeclared cluster, naming the declared ones', () => {
    const error = refusal(() => loadTopology({ text: minimal().replace('cluster: core\n', 'cluster: kore\n') }, { env: {} }));
    expect(error.problems).toEqual([
      expect.objectContaining({
        path: 'services.storage.cluster',
        problem: 'cluster "kore" is not declared',
        hint: expect.stringContaining('core'),
      }),
    ]);
  });

  it('refuses YAML it cannot parse, with the line', () => {
    const error = refusal(() => loadTopology({ text: 'version: 1\nclusters: {\n  a: "open\n' }, { env: {} }));
    expect(error.code).toBe('TOPOLOGY_INVALID');
    expect(error.problems[0]!.path).toMatch(/^line \d+, column \d+$/);
  });

  it('refuses a file that is not a topology at all', () => {
    const error = refusal(() => loadTopology({ text: '- just\n- a list\n' }, { env: {} }));
    expect(error.problems[0]!.problem).toMatch(/expected a block of fields, got a list/);
  });
});

describe('loadTopology: passwords never appear in errors', () => {
  const secret = 'Sup3r-Secret-Pw';

  it('when a password lands in a number field', () => {
    const error = refusal(() =>
      loadTopology({ text: minimal({ cluster: ', host: db1, port: "${CORE_DB_PASSWORD}"' }) }, { env: { CORE_DB_PASSWORD: secret } }),
    );
    expect(error.problems[0]!.path).toBe('clusters.core.primary.port');
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error.problems)).not.toContain(secret);
  });

  it('when a password lands in a name that is checked against the declared clusters', () => {
    const text = minimal().replace('cluster: core\n', `cluster: \${CORE_DB_PASSWORD}\n`);
    const error = refusal(() => loadTopology({ text }, { env: { CORE_DB_PASSWORD: 'hunter2secret' } }));
    expect(error.problems[0]!.path).toBe('services.storage.cluster');
    expect(error.message).not.toContain('hunter2secret');
    expect(error.message).toContain('***');
  });

  it('when the password field itself is misspelt', () => {
    const text = minimal().replace('password:', 'pasword:');
    const error = refusal(() => loadTopology({ text }, { env: { CORE_DB_PASSWORD: secret } }));
    expect(error.problems[0]!.path).toBe('clusters.core.credentials.pasword');
    expect(error.message).not.toContain(secret);
  });

  it('when a written-out password sits on a line YAML cannot parse', () => {
    const error = refusal(() => loadTopology({ text: `version: 1\nclusters:\n  core: { password: "${secret}\n` }, { env: {} }));
    expect(error.message).not.toContain(secret);
    expect(error.cause).toBeUndefined();
  });

  it('when a connection string carries the password', () => {
    const text = minimal().replace(
      '    database: neo_storage\n',
      `    database: neo_storage\n    appsettings: { Database: { Provider: PostgreSQL, ReadReplicas: ["Host=r1;Password=${secret};Database=other"] } }\n`,
    );
    const error = refusal(() => loadTopology({ text }, { env: {} }));
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.message).not.toContain(secret);
  });
});

describe('loadTopology: one refusal lists shape and reference problems together', () => {
  it('checks references and layouts among the valid blocks of an invalid file', () => {
    const text = `
version: 1
clusters:
  core:
    temperature: lukewarm
    credentials: { user: neo_core_user }
    primary: { name: core-primary }
  blockchain:
    temperature: hot
    credentials: { user: neo_blockchain_user }
    primary: { name: chain-node }
    replicas: [{ name: chain-node }]
services:
  storage: { cluster: core, database: neo_storage, reads: { policy: fastest } }
  oracle: { cluster: chain, database: neo_oracle }
  smartcontracts:
    cluster: blockchain
    database: neo_smartcontracts
    sharding: { strategy: modulo, key: userId, models: [Transaction], modulus: 3, shards: [{ name: a, database: a, remainder: 0 }, { name: b, database: b, remainder: 2 }] }
monolith: { cluster: core }
`;
    const error = refusal(() => loadTopology({ text }, { env: {} }));
    expect(error.problems.map((p) => p.path)).toEqual([
      'clusters.core.temperature',
      'services.storage.reads.policy',
      'clusters.blockchain.replicas[0].name',
      'services.oracle.cluster',
      'services.smartcontracts.sharding.shards',
    ]);
  });
});
