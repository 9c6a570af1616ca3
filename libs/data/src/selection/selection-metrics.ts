import { Counter, type Registry } from 'prom-client';
import { createMetricsRegistry } from '../metrics/metrics-registry.js';
import type { OperationKind, Side } from './side.js';

/** Why a call went to its side. */
export type SideReason =
  /** The user's place in the reads rollout. */
  | 'rollout'
  /** A call without a user id: it follows the rollout's endpoints only (0 % or 100 %). */
  | 'no_user'
  /** Reads follow writes once writes are on the service (so a user reads what they wrote). */
  | 'writes_switched'
  /** The writes switch. */
  | 'switch';

/**
 * `neo_data_side_decisions_total{service,kind,side,reason}`: where the connection selector sent
 * calls. `service` is the data service the call is for (it overrides the registry's default
 * `service` label, which names the process; in one-service processes they are equal).
 */
export class SelectionMetrics {
  readonly registry: Registry;
  /**
   * Plain counts by "service/kind/side/reason", copied into the counter when Prometheus scrapes:
   * a decision is made on every call, and a prom-client increment hashes its labels each time.
   */
  private readonly counts: Map<string, DecisionCount>;

  constructor(options: { service: string } | { registry: Registry }) {
    this.registry = 'registry' in options ? options.registry : createMetricsRegistry(options.service);
    this.counts = countsOf(this.registry);
    const counts = this.counts;
    if (!this.registry.getSingleMetric('neo_data_side_decisions_total')) {
      new Counter({
        name: 'neo_data_side_decisions_total',
        help: "Calls sent to the monolith or to the service's own database, by operation kind and the reason for the choice.",
        labelNames: ['service', 'kind', 'side', 'reason'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const { labels, count } of counts.values()) this.inc(labels, count);
        },
      });
    }
  }

  recordDecision(service: string, kind: OperationKind, side: Side, reason: SideReason): void {
    const key = `${service}/${kind}/${side}/${reason}`;
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { labels: { service, kind, side, reason }, count: 1 });
  }
}

interface DecisionCount {
  readonly labels: { service: string; kind: OperationKind; side: Side; reason: SideReason };
  count: number;
}

/** Counts are kept per registry, so every SelectionMetrics sharing a registry feeds the same counter. */
const countsByRegistry = new WeakMap<Registry, Map<string, DecisionCount>>();
function countsOf(registry: Registry): Map<string, DecisionCount> {
  let counts = countsByRegistry.get(registry);
  if (!counts) {
    counts = new Map();
    countsByRegistry.set(registry, counts);
  }
  return counts;
}
