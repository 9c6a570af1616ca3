import { Registry } from 'prom-client';

/**
 * One Prometheus registry per service: every series it holds carries `service="<name>"`, so one
 * Prometheus scraping several services (or one process hosting several) keeps them apart.
 * Expose it with `registry.metrics()` on `/metrics`.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  return registry;
}
