import { Gauge, type Registry } from 'prom-client';
import type { SidePlacement } from '../selection/connection-selector.js';

type PlacementOf = () => SidePlacement;

const servicesByRegistry = new WeakMap<Registry, Map<string, PlacementOf>>();

/**
 * `neo_data_side_placement{service,kind,side}`: where the flags place a service right now, read
 * when Prometheus scrapes: `kind="writes"` with `side` monolith or service, and `kind="reads"` with
 * `side` service (every read) or by-user (the reads rollout decides per user). 1 for the current
 * side, 0 for the other, so a flag change shows as a step. Returns a function that stops publishing.
 */
export function publishPlacement(registry: Registry, service: string, placement: PlacementOf): () => void {
  let services = servicesByRegistry.get(registry);
  if (!services) {
    const followed = new Map<string, PlacementOf>();
    services = followed;
    servicesByRegistry.set(registry, followed);
    if (!registry.getSingleMetric('neo_data_side_placement')) {
      new Gauge({
        name: 'neo_data_side_placement',
        help: 'Where the UseShardedDatabase flags place the service: 1 for the current side of its writes and of its reads, 0 for the other.',
        labelNames: ['service', 'kind', 'side'],
        registers: [registry],
        collect() {
          this.reset();
          for (const [name, current] of followed) {
            const { writes, reads } = current();
            for (const side of ['monolith', 'service'] as const) this.set({ service: name, kind: 'writes', side }, writes === side ? 1 : 0);
            for (const side of ['service', 'by-user'] as const) this.set({ service: name, kind: 'reads', side }, reads === side ? 1 : 0);
          }
        },
      });
    }
  }
  services.set(service, placement);
  const own = services;
  return () => void own.delete(service);
}
