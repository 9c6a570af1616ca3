import { bindTopology, type Topology } from '@neo/topology';
import { bindRunningTopology } from './bind-running-topology.js';
import { startEmbeddedTopology } from './embedded/embedded-provider.js';
import { startExternalTopology } from './external/external-provider.js';
import type { ProviderRun } from './provider-run.js';
import { containerRuntimeAvailable } from './testcontainers/container-runtime-detection.js';
import { startContainerTopology } from './testcontainers/testcontainers-provider.js';
import { planClusters } from './topology-plan.js';
import type { ProviderName, RunningTopology, StartTopologyOptions } from './topology-runtime.types.js';
import { TopologyRuntimeError } from './errors.js';
import { discardLogLine } from './log-line.js';
import { startPgBouncers, type RunningPgBouncers } from './pgbouncer/start-pgbouncers.js';

/**
 * Brings a declared topology up for real and returns where every node listens.
 *
 * Providers: `embedded` (PostgreSQL from npm packages, the default), `testcontainers`
 * (chosen by `auto` when a container runtime answers) and `external` (servers
 * given by `NEO_PG_URL*`). Everything started is stopped by `stop()`, on
 * SIGINT/SIGTERM, on process exit, and by a watchdog if this process is killed.
 */
export async function startTopology(topology: Topology, options: StartTopologyOptions = {}): Promise<RunningTopology> {
  const log = options.log ?? discardLogLine;
  const plans = planClusters(topology, options.clusters);
  const provider = await chooseProvider(options, log);
  log(`provider: ${provider} (${(options.provider ?? 'auto') === 'auto' ? 'picked by auto' : 'as asked'})`);
  let run: ProviderRun;
  switch (provider) {
    case 'embedded':
      run = await startEmbeddedTopology(plans, options);
      break;
    case 'testcontainers':
      run = await startContainerTopology(plans, options);
      break;
    case 'external':
      run = await startExternalTopology(plans, options);
      break;
  }
  if (provider === 'testcontainers' && plans.some((plan) => plan.audit)) {
    log(`audit: not set up by the ${provider} provider; its servers log what their own configuration says`);
  }
  let bound = bindRunningTopology(topology, run);
  const withoutTls = Object.keys(bound.clusters).filter((name) => topology.clusters[name]?.tls && !bound.clusters[name]?.tls);
  if (withoutTls.length > 0) log(`tls: the ${provider} provider makes no local CA; ${withoutTls.join(', ')} connect as the servers allow`);
  let pgbouncers: RunningPgBouncers | undefined;
  if (options.pgbouncer) {
    try {
      pgbouncers = await startPgBouncers(bound, {
        log,
        admin: run.admin,
        ...(run.serverCertificates ? { certificates: run.serverCertificates } : {}),
        ...(options.env ? { env: options.env } : {}),
        ...(run.launchPgBouncer ? { launch: run.launchPgBouncer } : {}),
      });
    } catch (error) {
      await run.stop();
      throw error;
    }
    bound = bindTopology(bound, pgbouncers.endpoints);
  }
  let stopping: Promise<void> | undefined;
  return {
    topology: bound,
    endpoints: { ...run.endpoints, ...pgbouncers?.endpoints },
    provider,
    ...(run.dataDir ? { dataDir: run.dataDir } : {}),
    admin: run.admin,
    pgbouncers: pgbouncers?.pgbouncers ?? [],
    stopNode: (cluster, node) => run.stopNode(cluster, node),
    startNode: (cluster, node) => run.startNode(cluster, node),
    ...(run.rejoinAsReplica ? { rejoinAsReplica: run.rejoinAsReplica.bind(run) } : {}),
    ...(run.recordPrimary ? { recordPrimary: run.recordPrimary.bind(run) } : {}),
    // PgBouncers first: they hold connections to the servers.
    stop: () =>
      (stopping ??= (async () => {
        await pgbouncers?.stop();
        await run.stop();
      })()),
  };
}

/**
 * `auto`: testcontainers when a container runtime answers, otherwise embedded. `probe` decides
 * whether one answers (tests give their own, so they do not depend on the machine's engine).
 */
export async function chooseProvider(
  options: Pick<StartTopologyOptions, 'provider' | 'env'>,
  log: (line: string) => void = discardLogLine,
  probe: (env: NodeJS.ProcessEnv | undefined) => Promise<boolean> = containerRuntimeAvailable,
): Promise<ProviderName> {
  const requested = options.provider ?? 'auto';
  if (requested !== 'auto') {
    if (requested === 'testcontainers' && !(await probe(options.env))) {
      throw new TopologyRuntimeError(
        'RUNTIME_PROVIDER_UNAVAILABLE',
        'The testcontainers provider was asked for but no container runtime answers (DOCKER_HOST or a Docker/Podman socket). Use "auto" or "embedded".',
      );
    }
    return requested;
  }
  const started = performance.now();
  if (await probe(options.env)) {
    log(`a container runtime answered (${(performance.now() - started).toFixed(1)} ms): using testcontainers`);
    return 'testcontainers';
  }
  log(`no container runtime answered (${(performance.now() - started).toFixed(1)} ms): using embedded PostgreSQL`);
  return 'embedded';
}
