import { useShardedDatabaseFlags } from '@neo/data/flags';
import { rolloutFlag, StaticFlagProvider, switchFlag, type FeatureDefinition } from '@neo/data/flags';
import type { ServiceSide } from './service-http-table.js';

/**
 * The `UseShardedDatabase.<service>.reads|writes` flags that place a service on one side, as an
 * operator does: the monolith (where every service starts: writes there, a reads rollout of 0 %),
 * or its own databases (after a cutover: writes there, reads rolled out to everyone).
 */
export function sideDefinitions(service: string, side: ServiceSide): FeatureDefinition[] {
  const names = useShardedDatabaseFlags(service);
  const onService = side === 'service';
  return [rolloutFlag(names.reads, onService ? 100 : 0), switchFlag(names.writes, onService)];
}

/** A flag provider placing the service on `side`; `set(sideDefinitions(...))` moves it. The caller closes it. */
export function sideFlags(service: string, side: ServiceSide): StaticFlagProvider {
  return new StaticFlagProvider(sideDefinitions(service, side));
}
