// The monitoring stack against a running topology: real Prometheus and a postgres_exporter per
// server (Debian packages), three services serving /metrics under load: oracle on its replica set,
// voting on its single-primary database, crosschain on its schema in the monolith. Every query of
// the Grafana dashboard must return series, the seed's three queries among them (latency for each
// of the three kinds of database); the replica-lag and primary-down alerts must fire when those
// faults are caused.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplication } from '@nestjs/common';
import { loadTopology, locateTopologyFile, type Topology } from '@neo/data';
import { pgClientConfig } from '@neo/topology';
import { CUTOVER_SCHEMA } from '@neo/data/cutover';
import { migrateFleet } from '@neo/data/migrations';
import { startObservability, startTopology, type RunningObservability, type RunningTopology } from '@neo/topology-runtime';
import pg from 'pg';
import { eventually } from '@neo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrosschainApp } from '../../apps/crosschain/src/create-crosschain-app.js';
import { createOracleApp } from '../../apps/oracle/src/create-oracle-app.js';
import { createVotingApp } from '../../apps/voting/src/create-voting-app.js';

const workspaceRoot = new URL('../../', import.meta.url).pathname;
const dashboard = JSON.parse(readFileSync(join(workspaceRoot, 'deploy/grafana/dashboards/neo-data-layer.json'), 'utf8')) as {
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
};

const SEED_QUERIES = [
  'sum by (service, database) (pg_stat_database_numbackends)',
  'histogram_quantile(0.95, sum by (service, le) (rate(postgresql_query_duration_seconds_bucket[5m])))',
  'pg_replication_lag_seconds',
];

let running: RunningTopology;
let observe: RunningObservability;
const apps: INestApplication[] = [];
let workDir: string;
const loads: Load[] = [];
/** What the service logged, as its JSON logger would write it (one object per line). */
const logged: Array<{ level: string; message: unknown; context?: string }> = [];
const capturingLogger = {
  log: (message: unknown, context?: string) => void logged.push({ level: 'log', message, context }),
  warn: (message: unknown, context?: string) => void logged.push({ level: 'warn', message, context }),
  error: (message: unknown, context?: string) => void logged.push({ level: 'error', message, context }),
  debug: () => undefined,
  verbose: () => undefined,
};
/** The oracle primary's breaker states as logged by the oracle service, in order. */
const breakerStates = () =>
  dataEvents('oracle')
    .filter((event) => event.event === 'breaker' && event['node'] === 'blockchain/blockchain-primary')
    .map((event) => event['state']);
/** The data-layer events one service logged so far (crosschain follows the blockchain cluster too). */
const dataEvents = (service: string) =>
  logged
    .filter((line) => line.context === 'neo-data')
    .map((line) => line.message as Record<string, unknown> & { event: string })
    .filter((event) => event['service'] === service);

/** One round of requests a load worker sends; resolves to the number of requests. */
type LoadStep = (url: string, worker: number, i: number) => Promise<number>;

async function send(url: string, path: string, init: RequestInit & { expect: number }): Promise<Response> {
  const response = await fetch(`${url}${path}`, init);
  if (response.status !== init.expect) throw new Error(`${init.method ?? 'GET'} ${path} ${response.status}`);
  return response;
}

/** Oracle: feeds registered and read back. */
const oracleStep: LoadStep = async (url, worker, i) => {
  const user = `user-${worker}-${i % 5}`;
  const created = await send(url, '/feeds', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': user },
    body: JSON.stringify({ name: `OBS-${worker}-${i}-${Date.now()}`, decimals: 2, source: 'observe-test' }),
    expect: 201,
  });
  const { id } = (await created.json()) as { id: string };
  for (const path of [`/feeds/${id}`, '/feeds?limit=5']) {
    // Read by the user who wrote it: read-your-writes sends it to a node that has the feed
    // (another user may be served by a replica that has not replayed it yet, and get 404).
    await (await send(url, path, { headers: { 'x-user-id': user }, expect: 200 })).arrayBuffer();
  }
  return 3;
};

/** Voting: proposals made and read back. */
const votingStep: LoadStep = async (url, worker, i) => {
  const created = await send(url, '/proposals', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: `Observed ${worker}-${i}`, choices: ['yes', 'no'] }),
    expect: 201,
  });
  const { id } = (await created.json()) as { id: string };
  await (await send(url, `/proposals/${id}`, { expect: 200 })).arrayBuffer();
  return 2;
};

/** Crosschain: a user's transfers listed. */
const crosschainStep: LoadStep = async (url, worker) => {
  await (await send(url, `/transfers?userId=observer-${worker}`, { expect: 200 })).arrayBuffer();
  return 1;
};

/** Requests against one service until stopped. */
class Load {
  private stopped = false;
  private readonly runners: Promise<void>[] = [];
  requests = 0;
  failures: string[] = [];

  constructor(
    readonly service: string,
    private readonly url: string,
    private readonly step: LoadStep,
  ) {}

  start(workers: number): void {
    for (let worker = 0; worker < workers; worker++) this.runners.push(this.run(worker));
  }

  private async run(worker: number): Promise<void> {
    for (let i = 0; !this.stopped; i++) {
      try {
        this.requests += await this.step(this.url, worker, i);
      } catch (error) {
        this.failures.push((error as Error).message);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled(this.runners);
  }
}

function superuser(cluster: string, node: string, database = 'postgres'): pg.Client {
  const endpoint = running.endpoints[`${cluster}/${node}`]!;
  const admin = running.admin[cluster]!;
  return new pg.Client(pgClientConfig({ ...endpoint, ...admin, database }));
}

async function firing(alertname: string, node: string) {
  return eventually(`${alertname} to fire for ${node}`, async () => {
    const alerts = await observe.client.alerts();
    return alerts.find((alert) => alert.labels['alertname'] === alertname && alert.labels['node'] === node && alert.state === 'firing');
  });
}

beforeAll(async () => {
  const declared: Topology = loadTopology({ path: locateTopologyFile() });
  running = await startTopology(declared, { provider: 'embedded', clusters: ['blockchain', 'application', declared.monolith.cluster] });
  await migrateFleet({
    topology: running.topology,
    services: ['oracle', 'voting', 'crosschain'],
    prismaRoot: join(workspaceRoot, 'prisma'),
    monolith: true,
  });

  // The cutover phase the monolith records (what `neo-db copy` writes as it starts).
  const monolith = superuser(
    declared.monolith.cluster,
    running.topology.clusters[declared.monolith.cluster]!.primary.name,
    declared.monolith.database,
  );
  await monolith.connect();
  await monolith.query(`CREATE SCHEMA IF NOT EXISTS ${CUTOVER_SCHEMA};
    CREATE TABLE IF NOT EXISTS ${CUTOVER_SCHEMA}.cutover_state (service text PRIMARY KEY, phase text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO ${CUTOVER_SCHEMA}.cutover_state (service, phase) VALUES ('oracle', 'writes-on-service') ON CONFLICT (service) DO NOTHING`);
  await monolith.end();

  workDir = mkdtempSync(join(tmpdir(), 'neo-observe-'));
  const flagsFile = join(workDir, 'flags.yaml');
  // Oracle and voting after their cutover: writes on their own databases, and reads with them
  // (oracle's a replica set, voting's a single primary); crosschain before it, on the monolith.
  writeFileSync(
    flagsFile,
    'version: 1\nflags:\n' +
      '  UseShardedDatabase.oracle.reads: { rollout: 0 }\n  UseShardedDatabase.oracle.writes: true\n' +
      '  UseShardedDatabase.voting.reads: { rollout: 100 }\n  UseShardedDatabase.voting.writes: true\n',
  );
  const config = { topology: running.topology, flags: { provider: 'file' as const, path: flagsFile } };
  const services: Array<[string, Promise<INestApplication>, LoadStep, number]> = [
    ['oracle', createOracleApp(config, { logger: capturingLogger }), oracleStep, 4],
    ['voting', createVotingApp(config, { logger: capturingLogger }), votingStep, 1],
    ['crosschain', createCrosschainApp(config, { logger: capturingLogger }), crosschainStep, 1],
  ];
  const scraped: Array<{ service: string; address: string }> = [];
  for (const [service, created, step, workers] of services) {
    const app = await created;
    apps.push(app);
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    const load = new Load(service, url, step);
    loads.push(load);
    load.start(workers);
    scraped.push({ service, address: new URL(url).host });
  }

  observe = await startObservability(running, {
    workDir: join(workDir, 'prometheus'),
    services: scraped,
    scrapeInterval: '1s',
    evaluationInterval: '1s',
    alertFor: '2s',
  });
}, 300_000);

afterAll(async () => {
  await Promise.allSettled(loads.map((load) => load.stop()));
  await Promise.allSettled(apps.map((app) => app.close()));
  await observe?.stop();
  await running?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 120_000);

describe('Prometheus on the running topology', () => {
  it('scrapes every service and every server through its exporter', async () => {
    const targets = await eventually('every target up', async () => {
      const all = await observe.client.targets();
      return all.length > 0 && all.every((target) => target.health === 'up') ? all : undefined;
    });
    expect(
      targets
        .filter((target) => target.labels['job'] === 'postgres')
        .map((target) => target.labels['node'])
        .sort(),
    ).toEqual(
      [
        'blockchain/blockchain-primary',
        'blockchain/blockchain-replica-1',
        'blockchain/blockchain-replica-2',
        'monolith/monolith-primary',
        'application/application-primary',
      ].sort(),
    );
    expect(targets.filter((target) => target.labels['job'] === 'neo-services')).toHaveLength(3);
  });

  it("answers the seed's three queries as written, with the labels they group by", async () => {
    const [connections, latency, lag] = await Promise.all(
      SEED_QUERIES.map((query) =>
        eventually(query, async () => ((await observe.client.query(query)).length > 0 ? observe.client.query(query) : undefined)),
      ),
    );
    expect(connections!.map((sample) => sample.metric)).toContainEqual({ service: 'oracle', database: 'neo_oracle' });
    expect(connections!.map((sample) => sample.metric)).toContainEqual({ service: 'monolith', database: 'neo_service_layer' });
    expect(latency!.length).toBeGreaterThan(0);
    // Every service's latency, whatever its database: a replica set (oracle), a single primary
    // (voting) and the service's schema in the monolith (crosschain).
    const latencyQuery = SEED_QUERIES[1]!;
    const services = await eventually('latency of every service', async () => {
      const names = (await observe.client.query(latencyQuery)).map((sample) => sample.metric['service']).sort();
      return names.length === 3 ? names : undefined;
    });
    expect(services).toEqual(['crosschain', 'oracle', 'voting']);
    const byDatabase = await observe.client.query(
      'sum by (service, database, node, role) (rate(postgresql_query_duration_seconds_count[5m]))',
    );
    const where = (service: string) =>
      byDatabase
        .filter((sample) => sample.metric['service'] === service)
        .map(({ metric }) => `${metric['database']} ${metric['node']} ${metric['role']}`);
    expect(where('voting')).toEqual(['neo_voting application/application-primary primary']);
    expect(where('crosschain')).toEqual(['neo_service_layer.crosschain monolith/monolith-primary primary']);
    expect(where('oracle')).toContain('neo_oracle blockchain/blockchain-primary primary');
    expect(lag!.map((sample) => sample.metric['node']).sort()).toEqual([
      'blockchain/blockchain-replica-1',
      'blockchain/blockchain-replica-2',
    ]);
  }, 180_000);

  it('returns series for every query of every dashboard panel, under load', async () => {
    const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));
    expect(queries.length).toBeGreaterThanOrEqual(15);
    const empty: string[] = [];
    for (const { panel, expr } of queries) {
      try {
        await eventually(`${panel}: ${expr}`, async () => ((await observe.client.query(expr)).length > 0 ? true : undefined), {
          timeoutMs: 60_000,
        });
      } catch {
        empty.push(`${panel}: ${expr}`);
      }
    }
    expect(empty).toEqual([]);
    for (const load of loads) {
      expect(load.requests, load.service).toBeGreaterThan(5);
      expect(load.failures, load.service).toEqual([]);
    }
    // The flags placed the service once at start; nothing changed them since.
    expect(dataEvents('oracle').filter((event) => event.event === 'flags')).toEqual([
      expect.objectContaining({ service: 'oracle', writes: 'service', reads: 'service' }),
    ]);
  }, 600_000);
});

describe('alerts', () => {
  it('fires NeoReplicaLagHigh when a replica stops replaying while the primary takes writes, and clears after', async () => {
    const replica = superuser('blockchain', 'blockchain-replica-1');
    const primary = superuser('blockchain', 'blockchain-primary');
    await Promise.all([replica.connect(), primary.connect()]);
    await primary.query('CREATE TABLE IF NOT EXISTS lag_probe (at timestamptz DEFAULT now())');
    // A steady writer of its own, so the primary has WAL to ship whatever the service's load does.
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await primary.query('INSERT INTO lag_probe DEFAULT VALUES');
        await sleep(50);
      }
    })();
    try {
      await replica.query('SELECT pg_wal_replay_pause()');
      const alert = await firing('NeoReplicaLagHigh', 'blockchain/blockchain-replica-1');
      expect(Number(alert.value)).toBeGreaterThan(0.1);
      // The other replica keeps up: no alert for it.
      const others = (await observe.client.alerts()).filter(
        (candidate) =>
          candidate.labels['alertname'] === 'NeoReplicaLagHigh' && candidate.labels['node'] !== 'blockchain/blockchain-replica-1',
      );
      expect(others).toEqual([]);
    } finally {
      writing = false;
      await writer;
      await replica.query('SELECT pg_wal_replay_resume()');
      await Promise.all([replica.end(), primary.end()]);
    }
    // The service saw the replica leave rotation and come back: each change logged once, with its place.
    const rotation = () =>
      dataEvents('oracle').filter((event) => event.event === 'replica-rotation' && event['node'] === 'blockchain/blockchain-replica-1');
    await eventually('the replica to return to rotation in the log', async () =>
      rotation().some((event) => event['inRotation'] === true) ? true : undefined,
    );
    // Logged per change, never per poll (it polls every 200 ms): no two consecutive events say the same.
    const changes = rotation().map((event) => event['inRotation']);
    expect(changes[0]).toBe(false);
    expect(changes).toContain(true);
    for (let i = 1; i < changes.length; i++) expect(changes[i]).not.toBe(changes[i - 1]);
    expect(rotation()[0]).toMatchObject({ service: 'oracle', side: 'service', shard: 'neo_oracle' });
    await eventually('the lag alert to clear', async () =>
      (await observe.client.alerts()).some((alert) => alert.labels['alertname'] === 'NeoReplicaLagHigh') ? undefined : true,
    );
  }, 240_000);

  it('fires NeoPrimaryDown when a primary stops', async () => {
    await Promise.all(loads.map((load) => load.stop()));
    expect(
      (await observe.client.alerts()).filter((alert) => alert.labels['alertname'] === 'NeoPrimaryDown'),
      'no primary is down yet',
    ).toEqual([]);
    await running.stopNode('blockchain', 'blockchain-primary');
    const alert = await firing('NeoPrimaryDown', 'blockchain/blockchain-primary');
    expect(alert.labels).toMatchObject({ severity: 'critical', cluster: 'blockchain', role: 'primary' });
    // The service's lag probe found the primary gone: its breaker opened. Logged per change, not per poll
    // (it polls every 200 ms): each further "open" follows a "half-open" retry that failed.
    await eventually('the primary breaker to open in the log', async () => (breakerStates().includes('open') ? true : undefined));
    await sleep(3_000);
    const states = breakerStates();
    expect(states[0]).toBe('open');
    expect(states.filter((state) => state === 'open').length).toBeLessThanOrEqual(
      states.filter((state) => state === 'half-open').length + 1,
    );
    for (let i = 1; i < states.length; i++) expect(states[i]).not.toBe(states[i - 1]);
  }, 240_000);
});
