import type { ServiceCacheOptions } from '../cache/index.js';
import type { DataClient, OpenDataSourceOptions } from '../data-source/index.js';

/**
 * Options of `DataModule.forRoot` / `forRootAsync`:
 *
 * ```ts
 * DataModule.forRoot({
 *   service: 'storage',
 *   topology,                                        // bound: hosts and ports known
 *   createClient: (adapter) => new PrismaClient({ adapter }),
 *   isGlobal: true,
 * })
 * ```
 */
export interface DataModuleOptions extends OpenDataSourceOptions<DataClient> {
  /** How long a health probe of one node may take; 2 s when absent. */
  healthTimeoutMs?: number;
  /** Tuning of the cache the topology declares (`services.<name>.cache`): Redis key prefix, size, error log. */
  cache?: Pick<ServiceCacheOptions, 'keyPrefix' | 'maxEntries' | 'freshWindowMs' | 'onStoreError'>;
}
