import { createDataMetrics } from '../metrics/index.js';
import { createDataSource, type DataSourceOptions } from './create-data-source.js';
import type { DataClient, DataSource } from './data-source.js';
import { flagsOptionsFromEnv, type DataFlagsOptions } from './flags-options.js';
import { openFlagProvider } from './open-flag-provider.js';
import { createSideSwitchingDataSource } from './side-switching.data-source.js';
import type { WriteRedirectTuning } from './side-switching.write-redirect.js';

export interface OpenDataSourceOptions<TClient extends DataClient> extends DataSourceOptions<TClient> {
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

/**
 * A service's data source, where a query's path starts: with no flags configured, the service's
 * own database(s) alone (`createDataSource`); with flags, both sides (the service's schema in the
 * monolith and its own database), each call sent where the flags say (`createSideSwitchingDataSource`).
 * A flag provider opened here (file or Unleash) is closed with the source.
 */
export async function openDataSource<TClient extends DataClient>(options: OpenDataSourceOptions<TClient>): Promise<DataSource<TClient>> {
  const flagsOptions = options.flags ?? flagsOptionsFromEnv();
  if (flagsOptions === false) return createDataSource(options);
  const metrics = options.metrics ?? createDataMetrics(options.service);
  const { provider, owned } = await openFlagProvider(flagsOptions, { service: options.service, registry: metrics.registry });
  try {
    const source = createSideSwitchingDataSource({
      ...options,
      metrics,
      flags: provider,
      ...(options.writeRedirect ? { writeRedirect: options.writeRedirect } : {}),
      ...(options.readYourWritesMs !== undefined ? { readYourWritesMs: options.readYourWritesMs } : {}),
    });
    if (!owned) return source;
    const closeSource = source.close.bind(source);
    return Object.assign(source, {
      close: async () => {
        await closeSource();
        await provider.close();
      },
    });
  } catch (error) {
    if (owned) await provider.close();
    throw error;
  }
}
