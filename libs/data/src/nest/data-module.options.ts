import type { ServiceCacheOptions } from '../cache/index.js';
import type { DataClient } from './data-source.js';
import type { DataSourceOptions } from './create-data-source.js';
import type { DataFlagsOptions } from './flags-options.js';
import type { WriteRedirectTuning } from './side-switching.write-redirect.js';

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
export interface DataModuleOptions extends DataSourceOptions<DataClient> {
  /** How long a health probe of one node may take; 2 s when absent. */
  healthTimeoutMs?: number;
  /** Tuning of the cache the topology declares (`services.<name>.cache`): Redis key prefix, size, error log. */
  cache?: Pick<ServiceCacheOptions, 'keyPrefix' | 'maxEntries' | 'freshWindowMs' | 'onStoreError'>;
  /**
   * The flags that switch the service between its schema in the monolith and its own database
   * (`UseShardedDatabase.<service>.reads|writes`). Absent: from the environment
   * (`flagsOptionsFromEnv`: `NEO_FLAGS=file|unleash|off`; nothing set means off). `false`: off,
   * every call goes to the service's own database, as without a monolith.
   */
  flags?: DataFlagsOptions;
  /** How writes refused by a cutover's write guard are retried on the side of record. */
  writeRedirect?: WriteRedirectTuning;
  /** How long a session's reads stay on the side it last wrote to, across a cutover (default 2000 ms; 0: off). */
  readYourWritesMs?: number;
}
