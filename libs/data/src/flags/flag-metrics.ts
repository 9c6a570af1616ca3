import { Counter, Gauge, type Registry } from 'prom-client';
import { createMetricsRegistry } from '../metrics/metrics-registry.js';
import type { FlagSource, FlagStatus } from './flag-provider.js';

const SOURCES: readonly FlagSource[] = ['live', 'last-known', 'bootstrap'];

/** Why a flag provider counted an error. */
export type FlagErrorKind = 'fetch' | 'file' | 'backup';

/**
 * The flag providers' metrics, in the service's registry (every series carries `service`):
 * - `neo_flags_source{provider,source}`: 1 for the source the values come from now, 0 for the others;
 * - `neo_flags_ready{provider}`: 1 once the provider holds values;
 * - `neo_flags_last_update_timestamp_seconds{provider}`: when the source last delivered or confirmed them;
 * - `neo_flags_errors_total{provider,kind}`: failed fetches, rejected file edits, backup problems.
 * Alert on `neo_flags_source{source!="live"} == 1` for longer than a few refresh intervals.
 */
export class FlagMetrics {
  readonly registry: Registry;
  private readonly source: Gauge<'provider' | 'source'>;
  private readonly ready: Gauge<'provider'>;
  private readonly lastUpdate: Gauge<'provider'>;
  private readonly errors: Counter<'provider' | 'kind'>;

  constructor(options: { service: string } | { registry: Registry }) {
    this.registry = 'registry' in options ? options.registry : createMetricsRegistry(options.service);
    const registers = [this.registry];
    this.source = this.metric(
      'neo_flags_source',
      () =>
        new Gauge({
          name: 'neo_flags_source',
          help: 'Where the flag values served come from: 1 for the current source (live, last-known, bootstrap), 0 for the others.',
          labelNames: ['provider', 'source'],
          registers,
        }),
    );
    this.ready = this.metric(
      'neo_flags_ready',
      () =>
        new Gauge({
          name: 'neo_flags_ready',
          help: '1 once the flag provider holds values (live, last known or bootstrapped); until then every flag is off.',
          labelNames: ['provider'],
          registers,
        }),
    );
    this.lastUpdate = this.metric(
      'neo_flags_last_update_timestamp_seconds',
      () =>
        new Gauge({
          name: 'neo_flags_last_update_timestamp_seconds',
          help: 'When the flag source last delivered or confirmed the values served (Unix time).',
          labelNames: ['provider'],
          registers,
        }),
    );
    this.errors = this.metric(
      'neo_flags_errors_total',
      () =>
        new Counter({
          name: 'neo_flags_errors_total',
          help: 'Flag source failures: fetches that failed, file edits that were refused, backup problems.',
          labelNames: ['provider', 'kind'],
          registers,
        }),
    );
  }

  /** Publishes a provider's status (called by the providers on every change of it). */
  recordStatus(status: FlagStatus): void {
    for (const source of SOURCES) this.source.set({ provider: status.provider, source }, source === status.source ? 1 : 0);
    this.ready.set({ provider: status.provider }, status.ready ? 1 : 0);
    if (status.lastUpdatedAt) this.lastUpdate.set({ provider: status.provider }, status.lastUpdatedAt.getTime() / 1000);
  }

  recordError(provider: FlagStatus['provider'], kind: FlagErrorKind): void {
    this.errors.inc({ provider, kind });
  }

  /** Reuses a metric already in the registry (a second FlagMetrics on the same registry) instead of failing. */
  private metric<M>(name: string, create: () => M): M {
    return (this.registry.getSingleMetric(name) as M | undefined) ?? create();
  }
}
