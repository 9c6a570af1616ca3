import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * How an automatic failover ended: `promoted` (a replica took over), `refused` (none was fit, or
 * another node had become the primary meanwhile) or `failed`.
 */
export type FailoverOutcome = 'promoted' | 'refused' | 'failed';

/**
 * The automatic failovers of `neo-db up --auto-failover`, served on the up process's `/metrics`
 * beside PgBouncer's series: `neo_failovers_total{cluster,outcome}` and
 * `neo_failover_duration_seconds{cluster,outcome}` (from the decision to the new primary recorded).
 */
export class FailoverMetrics {
  private readonly failovers: Counter<'cluster' | 'outcome'>;
  private readonly duration: Histogram<'cluster' | 'outcome'>;

  constructor(registry: Registry) {
    this.failovers = new Counter({
      name: 'neo_failovers_total',
      help: 'Automatic failovers, by cluster and outcome (promoted, refused, failed).',
      labelNames: ['cluster', 'outcome'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'neo_failover_duration_seconds',
      help: 'How long an automatic failover took, from the decision to the new primary recorded (fencing, promotion, repointing).',
      labelNames: ['cluster', 'outcome'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    });
  }

  record(cluster: string, outcome: FailoverOutcome, seconds: number): void {
    this.failovers.inc({ cluster, outcome });
    this.duration.observe({ cluster, outcome }, seconds);
  }
}
