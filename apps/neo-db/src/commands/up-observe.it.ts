import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { eventually } from '@neo/testing';
import { PrometheusClient } from '@neo/topology-runtime';

/** Prometheus scrapes every few seconds and the services start one by one: patient waits. */
const SLOW = { timeoutMs: 120_000, intervalMs: 1_000 };

/*
 * `npm start -- --observe` as an operator runs it: `neo-db up --observe` in its own process, on a
 * small topology (oracle on a primary and a replica, voting on a single primary, the monolith),
 * with the services on free ports (NEO_SERVICE_PORTS=any). Prometheus must scrape every target of
 * the configuration it was given, the seed's three queries must answer, and Ctrl-C must leave no
 * process behind. The services run from their builds (neo-db's test target builds oracle and voting first: project.json).
 */
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const SEED_QUERIES = [
  'sum by (service, database) (pg_stat_database_numbackends)',
  'histogram_quantile(0.95, sum by (service, le) (rate(postgresql_query_duration_seconds_bucket[5m])))',
  'pg_replication_lag_seconds',
];

let workDir: string;
let child: ChildProcess | undefined;
let output = '';

/** config/topology.yaml cut down to oracle and voting: their clusters (one replica) and the monolith. */
function smallTopology(): string {
  const document = parseDocument(readFileSync(join(root, 'config/topology.yaml'), 'utf8'), { merge: true });
  const topology = document.toJS({ maxAliasCount: -1 }) as {
    clusters: Record<string, { replicas: unknown[] }>;
    services: Record<string, unknown>;
  };
  topology.clusters = {
    blockchain: topology.clusters['blockchain']!,
    application: topology.clusters['application']!,
    monolith: topology.clusters['monolith']!,
  };
  topology.clusters['blockchain']!.replicas = topology.clusters['blockchain']!.replicas.slice(0, 1);
  topology.services = { oracle: topology.services['oracle'], voting: topology.services['voting'] };
  return JSON.stringify(topology);
}

/** Every process below `pid` (children, their children…), from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      // Field 4 of /proc/<pid>/stat, after the command in parentheses, is the parent's pid.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(parent, [...(parents.get(parent) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const next of parents.get(parent) ?? []) {
      found.push(next);
      visit(next);
    }
  };
  visit(pid);
  return found;
}

/** Processes whose command line names `path` (servers started detached from the CLI still do: `postgres -D <dir>`). */
function processesNaming(path: string): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return command.includes(path) ? [`${pid}: ${command}`] : [];
      } catch {
        return [];
      }
    });
}

const alive = (pid: number) => existsSync(`/proc/${pid}`);

function isListening(address: string): Promise<boolean> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const socket = createConnection({ host: host!, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'neo-up-observe-'));
  // As root the servers run as the OS user `postgres`, which must reach the data directory.
  chmodSync(workDir, 0o755);
  writeFileSync(join(workDir, 'topology.yaml'), smallTopology());
});

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGINT');
    await once(child, 'exit');
  }
  rmSync(workDir, { recursive: true, force: true });
});

describe('neo-db up --observe', () => {
  it('scrapes every target it configured, answers the seed queries, and stops every process it started on Ctrl-C', async () => {
    child = spawn(
      process.execPath,
      ['--import', join(root, 'tools/typescript-sources.mjs'), join(root, 'apps/neo-db/src/main.ts'), 'up', '--observe', '--wipe'],
      {
        cwd: root,
        env: {
          ...process.env,
          NEO_TOPOLOGY: join(workDir, 'topology.yaml'),
          NEO_DATA_DIR: join(workDir, 'data'),
          NEO_FLAGS_FILE: '',
          NEO_PGBOUNCER_METRICS_PORT: '0',
          NEO_SERVICE_PORTS: 'any',
          NEO_LOG_FORMAT: 'json',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const cli = child;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('press Ctrl-C to stop')) resolve();
      };
      cli.stdout!.on('data', onData);
      cli.stderr!.on('data', onData);
      cli.once('exit', (code) => reject(new Error(`neo-db up --observe exited (${code}) before it was up:\n${output}`)));
    });

    const prometheus = /metrics: Prometheus at (http:\/\/\S+) /.exec(output)?.[1];
    expect(prometheus, output).toBeDefined();
    const services = Object.fromEntries(
      [...output.matchAll(/^ {2}(oracle|voting) +(http:\/\/\S+) /gm)].map((match) => [match[1]!, match[2]!] as const),
    );
    expect(Object.keys(services).sort()).toEqual(['oracle', 'voting']);

    // Every target of the configuration it generated, by job.
    const config = parse(readFileSync(join(workDir, 'observe', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = config.scrape_configs.flatMap((job) =>
      job.static_configs.flatMap((group) => group.targets.map((target) => `${job.job_name} ${target}`)),
    );
    expect(targets.filter((target) => target.startsWith('neo-services '))).toHaveLength(2);
    // One exporter per server: blockchain primary and replica, application, monolith.
    expect(targets.filter((target) => target.startsWith('postgres '))).toHaveLength(4);

    // Some traffic, so the services have query latencies to report.
    let stopped = false;
    const traffic = (async () => {
      for (let i = 0; !stopped; i++) {
        await fetch(`${services['oracle']}/feeds`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `UP-${i}-${Date.now()}`, decimals: 2, source: 'up-observe-test' }),
        }).catch(() => undefined);
        await fetch(`${services['oracle']}/feeds?limit=5`).catch(() => undefined);
        await fetch(`${services['voting']}/proposals`).catch(() => undefined);
        await sleep(200);
      }
    })();
    try {
      const prometheusClient = new PrometheusClient(prometheus!);
      const up = await eventually(
        'up = 1 for every configured target',
        async () => {
          const samples = await prometheusClient.query('up');
          const seen = new Map(samples.map((sample) => [`${sample.metric['job']} ${sample.metric['instance']}`, sample.value[1]]));
          return targets.every((target) => seen.get(target) === '1') ? seen : undefined;
        },
        SLOW,
      );
      expect([...up.keys()].sort()).toEqual([...targets].sort());

      const [connections, latency, lag] = await Promise.all(
        SEED_QUERIES.map((promql) =>
          eventually(
            promql,
            async () => ((await prometheusClient.query(promql)).length > 0 ? prometheusClient.query(promql) : undefined),
            SLOW,
          ),
        ),
      );
      expect(connections!.map((sample) => sample.metric)).toContainEqual({ service: 'oracle', database: 'neo_oracle' });
      expect(connections!.map((sample) => sample.metric)).toContainEqual({ service: 'voting', database: 'neo_voting' });
      await eventually(
        'latency of both services',
        async () => {
          const names = (await prometheusClient.query(SEED_QUERIES[1]!)).map((sample) => sample.metric['service']).sort();
          return names.join() === 'oracle,voting' ? true : undefined;
        },
        SLOW,
      );
      expect(latency!.length).toBeGreaterThan(0);
      expect(lag!.map((sample) => sample.metric['node'])).toEqual(['blockchain/blockchain-replica-1']);
    } finally {
      stopped = true;
      await traffic;
    }

    // Ctrl-C: every process it started ends, and nothing listens where they did.
    const started = descendants(cli.pid!);
    expect(started.length).toBeGreaterThanOrEqual(2 + 4 + 1);
    const addresses = [
      ...targets.map((target) => target.split(' ')[1]!),
      new URL(prometheus!).host,
      ...Object.values(services).map((url) => new URL(url).host),
    ];
    cli.kill('SIGINT');
    const [code] = (await once(cli, 'exit')) as [number | null];
    expect(code, output).toBe(0);
    await eventually('every process it started to end', async () => (started.every((pid) => !alive(pid)) ? true : undefined), {
      ...SLOW,
      timeoutMs: 30_000,
    });
    expect(processesNaming(workDir)).toEqual([]);
    for (const address of addresses) expect(await isListening(address), address).toBe(false);
  }, 600_000);
});
