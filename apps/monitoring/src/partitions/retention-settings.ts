import { retentionFromTopology as declaredRetention, type RetentionSettings } from '@neo/data/partitioning';
import type { Topology } from '@neo/data';

export { DEFAULT_RETENTION, type RetentionSettings } from '@neo/data/partitioning';

/** The topology's declared partitioning of `metric_samples`, or the defaults when it declares none. */
export function retentionFromTopology(topology: Topology, service = 'monitoring'): RetentionSettings {
  return declaredRetention(topology, service, 'metric_samples');
}

/** Injection token of the service's `RetentionSettings`. */
export const RETENTION_SETTINGS = Symbol('RETENTION_SETTINGS');
/** Injection token of the service's clock (`() => Date`), replaced in tests. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;
