import type { Registry } from 'prom-client';
import { failoverSchema, type Topology } from '@neo/topology';
import { PrimaryWatchdog, TopologyRuntimeError, type FailoverNode } from '@neo/topology-runtime';
import { FailoverMetrics, type FailoverOutcome } from './failover-metrics.js';
import { FailoverRefusal, type LocalFailover } from './local-failover.js';
import type { CutoverLinkRepair } from './repair-cutover-links.js';

/** One automatic failover as it ended, logged as one JSON line. */
export interface FailoverEvent {
  event: 'failover';
  cluster: string;
  oldPrimary: string;
  /** The promoted node; absent when none was. */
  newPrimary?: string;
  /** How long the old primary had answered no check when the failover began. */
  unreachableMs: number;
  /** From the decision to the new primary recorded (fencing, promotion, repointing the other replicas). */
  durationMs: number;
  outcome: FailoverOutcome;
  /** Replicas streaming from the new primary, and those that could not be pointed there. */
  repointed?: string[];
  notRepointed?: { name: string; reason: string }[];
  /** Cutover links with an end on the cluster, rebuilt on the new primary per service (absent when none). */
  cutoverLinks?: CutoverLinkRepair[];
  /** The old primary brought back as a replica of the new one (`rejoinMs`), or why not (`rejoinError`). */
  rejoinMs?: number;
  rejoinError?: string;
  error?: string;
  at: string;
}

export interface AutoFailoverOptions {
  readonly failover: LocalFailover;
  /** The declared topology: each cluster's `failover` timing. */
  readonly declared: Topology;
  /** Where `neo_failovers_total` and `neo_failover_duration_seconds` are registered. */
  readonly registry: Registry;
  readonly log: (line: string) => void;
}

export interface AutoFailover {
  readonly clusters: readonly string[];
  /** Stops every watchdog: no failover starts from now on; one in progress is waited for. */
  stop(): Promise<void>;
}

const DEFAULTS = failoverSchema.parse({});

/**
 * `neo-db up --auto-failover`: a watchdog per cluster with replicas. Once a cluster's primary has
 * answered no check for its declared `failover.unreachableForMs`, a replica is promoted with the
 * fencing of `neo-db failover`, recorded as the primary (endpoints file, data directory), and the old
 * primary is cloned again as its replica. Each failover is one JSON line in the log and a count
 * and duration in the metrics.
 */
export function startAutoFailover(options: AutoFailoverOptions): AutoFailover {
  const metrics = new FailoverMetrics(options.registry);
  const watchdogs = options.failover.clusters.map((cluster) => {
    const settings = options.declared.clusters[cluster]?.failover ?? DEFAULTS;
    return PrimaryWatchdog.start({
      cluster,
      unreachableForMs: settings.unreachableForMs,
      checkIntervalMs: settings.checkIntervalMs,
      currentPrimary: async () => options.failover.node(cluster, await options.failover.currentPrimary(cluster)),
      onUnreachable: (primary, unreachableMs) => failOver(cluster, primary, unreachableMs, options, metrics),
      log: options.log,
    });
  });
  return {
    clusters: options.failover.clusters,
    stop: async () => {
      await Promise.all(watchdogs.map((watchdog) => watchdog.stop()));
    },
  };
}

async function failOver(
  cluster: string,
  primary: FailoverNode,
  unreachableMs: number,
  options: AutoFailoverOptions,
  metrics: FailoverMetrics,
): Promise<void> {
  const started = performance.now();
  const base = { event: 'failover' as const, cluster, oldPrimary: primary.name, unreachableMs: Math.round(unreachableMs) };
  let event: FailoverEvent;
  try {
    const done = await options.failover.failOver(cluster, primary.name);
    // The new primary was recorded before the cutover links were repaired: that repair is not the failover's time.
    const durationMs = performance.now() - started - done.cutoverLinksMs;
    metrics.record(cluster, 'promoted', durationMs / 1000);
    event = {
      ...base,
      newPrimary: done.newPrimary,
      durationMs: Math.round(durationMs),
      outcome: 'promoted',
      repointed: [...done.result.repointed],
      notRepointed: [...done.result.notRepointed],
      ...(done.cutoverLinks.length > 0 ? { cutoverLinks: [...done.cutoverLinks] } : {}),
      at: new Date().toISOString(),
    };
    // The old primary follows the new one again; a failure here leaves the cluster serving, one replica short.
    try {
      const rejoined = await options.failover.rejoin(cluster, primary.name);
      event.rejoinMs = Math.round(rejoined.ms);
    } catch (error) {
      event.rejoinError = `${(error as Error).message} (bring it back with: neo-db rejoin ${cluster} ${primary.name})`;
    }
  } catch (error) {
    const durationMs = performance.now() - started;
    const refused =
      error instanceof FailoverRefusal || (error instanceof TopologyRuntimeError && error.code === 'RUNTIME_FAILOVER_REFUSED');
    const outcome: FailoverOutcome = refused ? 'refused' : 'failed';
    metrics.record(cluster, outcome, durationMs / 1000);
    event = { ...base, durationMs: Math.round(durationMs), outcome, error: (error as Error).message, at: new Date().toISOString() };
  }
  options.log(JSON.stringify(event));
}
