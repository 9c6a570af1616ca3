import { collectDefaultMetrics, type Registry } from 'prom-client';

const collecting = new WeakSet<Registry>();

/**
 * prom-client's default metrics (CPU, memory, event loop lag, GC, handles) in the service's
 * registry, once per registry: they carry its `service` label like the rest.
 */
export function collectProcessMetrics(registry: Registry): void {
  if (collecting.has(registry) || registry.getSingleMetric('process_cpu_user_seconds_total')) return;
  collecting.add(registry);
  collectDefaultMetrics({ register: registry });
}
