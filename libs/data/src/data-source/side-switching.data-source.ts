import { Counter, type Registry } from 'prom-client';
import { findService, monolithTarget } from '@neo/topology';
import type { FlagProvider, FlagStatus } from '../flags/flag-provider.js';
import { ConnectionSelector, type SidePlacement } from '../selection/connection-selector.js';
import { recordingServedSides } from '../selection/served-sides.js';
import { SelectionMetrics } from '../selection/selection-metrics.js';
import { publishPlacement } from '../metrics/placement-metrics.js';
import { createSideSwitchingClient } from '../selection/side-switching-client.js';
import { connectDatabase, type ConnectSettings } from './connect-database.js';
import { coalesceSettingsOf, connectOwnDatabases, poolsOf, type DataSourceOptions } from './create-data-source.js';
import {
  dataSourceOver,
  type ConnectedDatabase,
  type ConnectedDatabases,
  type ConnectedNode,
  type DataClient,
  type DataSource,
} from './data-source.js';
import { DEFAULT_READ_YOUR_WRITES_MS, ReadYourWritesChooser } from './side-switching.read-your-writes.js';
import { forcingChooser, retryRedirectedWrites, type RedirectEvent, type WriteRedirectTuning } from './side-switching.write-redirect.js';

export interface SideSwitchingDataSourceOptions<TClient extends DataClient> extends DataSourceOptions<TClient> {
  /** The flags that place the service (`UseShardedDatabase.<service>.reads|writes`). Not closed by the source. */
  flags: FlagProvider;
  /** How writes refused by the cutover write guard are retried. */
  writeRedirect?: WriteRedirectTuning;
  /** How long a session's reads stay on the side it last wrote to (read-your-writes across sides). Default 2000 ms; 0 turns it off. */
  readYourWritesMs?: number;
}

/** A service's data on two sides: its schema in the monolith and its own database, chosen per call by flags. */
export interface SideSwitchingDataSource<TClient extends DataClient = DataClient> extends DataSource<TClient> {
  /** The service's schema in the monolith database. */
  readonly monolith: ConnectedNode;
  readonly selector: ConnectionSelector;
  readonly flags: FlagProvider;
  /** Where the service's calls go right now. */
  placement(): SidePlacement;
  flagStatus(): FlagStatus;
}

export function isSideSwitching(source: DataSource): source is SideSwitchingDataSource {
  return 'placement' in source && 'selector' in source;
}

/**
 * The data source of a service that can live in the monolith or in its own database: both
 * sides are connected, and every call goes to the side the `ConnectionSelector` picks from the
 * flags (writes by a switch, reads by a sticky per-user rollout). The monolith side is the same
 * generated client on the service's schema in `neo_service_layer` (adapter-pg `{ schema }`);
 * the own side is what `createDataSource` builds for the topology. A write the database refuses
 * because a cutover moved the service's writes (write guard, SQLSTATE NC001) is retried on the
 * side of record (see `retryRedirectedWrites` for the bound). A session's reads stay on the side
 * it wrote to for a moment after the write (`ReadYourWritesChooser`), since the other side gets
 * the write only when logical replication applied it.
 *
 * Metrics in the service's registry: `neo_data_side_decisions_total{service,kind,side,reason}`
 * and `neo_data_write_redirects_total{service,to,flags_agreed}`.
 */
export function createSideSwitchingDataSource<TClient extends DataClient>(
  options: SideSwitchingDataSourceOptions<TClient>,
): SideSwitchingDataSource<TClient> {
  const { service, topology, flags } = options;
  // One set of pools for both sides: the own side's nodes and the monolith schema.
  const pools = poolsOf(options);
  let own: ConnectedDatabases<TClient> | undefined;
  let monolith: ConnectedDatabase<TClient>;
  try {
    own = connectOwnDatabases(options, pools, {
      flags,
      ...(options.readYourWritesMs !== undefined ? { readYourWritesMs: options.readYourWritesMs } : {}),
      ...(options.writeRedirect ? { writeRedirect: options.writeRedirect } : {}),
    });
    // Timed, counted and guarded like the own side's databases: the same metrics, breaker and tuning.
    const declared = findService(topology, service);
    const coalesce = coalesceSettingsOf(options, declared);
    const settings: ConnectSettings<TClient> = {
      createClient: options.createClient,
      pools,
      reads: declared.reads,
      ...(coalesce ? { coalesce } : {}),
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.replicaSet ? { replicaSet: options.replicaSet } : {}),
    };
    monolith = connectDatabase({ primary: monolithTarget(topology, service), replicas: [] }, settings);
  } catch (error) {
    void Promise.allSettled(own?.databases().map((database) => database.close()) ?? []).then(() => pools.closeAll());
    throw error;
  }
  const ownSide = own;
  const monolithNode: ConnectedNode = monolith.nodes[0]!;

  const registry = options.metrics?.registry;
  const selectionMetrics = registry ? new SelectionMetrics({ registry }) : undefined;
  const selector = new ConnectionSelector({ flags, ...(selectionMetrics ? { metrics: selectionMetrics } : {}) });
  const chooser = new ReadYourWritesChooser(selector, options.readYourWritesMs ?? DEFAULT_READ_YOUR_WRITES_MS, selectionMetrics);
  const redirects = registry ? redirectCounter(registry) : undefined;
  // Zero series from the start, so "no redirect yet" reads as 0 rather than as no data.
  for (const to of ['monolith', 'service'] as const)
    for (const agreed of ['true', 'false']) redirects?.inc({ service, to, flags_agreed: agreed }, 0);
  const unpublish = registry ? publishPlacement(registry, service, () => selector.placement(service)) : undefined;
  // Every flag change moving the service is logged once (the event log drops changes that move nothing).
  const logPlacement = () => options.metrics?.events?.flags(selector.placement(service));
  const stopLoggingFlags = flags.onChange(logPlacement);
  logPlacement();
  const switching = createSideSwitchingClient<TClient>({
    service,
    monolith: monolith.client,
    own: ownSide.client,
    selector: recordingServedSides(
      forcingChooser(chooser, (_service, kind, side) => {
        // A write retried on the side of record: the session's next reads must find it there.
        if (kind === 'write') chooser.noteWrite(service, side);
      }),
    ),
  });
  const client = retryRedirectedWrites(switching, {
    flags: { writeSide: () => selector.placement(service).writes },
    ...(options.writeRedirect ? { tuning: options.writeRedirect } : {}),
    onRedirect: (event: RedirectEvent) => {
      redirects?.inc({ service, to: event.to, flags_agreed: String(event.flagsAgreed) });
      options.metrics?.events?.writeRedirect(event.to, event.flagsAgreed);
    },
  });

  // The own side's nodes first (its primary leads, as health expects), then the monolith.
  const source = dataSourceOver(service, { client, databases: () => [...ownSide.databases(), monolith] }, pools, () => {
    ownSide.stop?.();
    unpublish?.();
    stopLoggingFlags();
    selector.close();
  });
  return Object.assign(source, {
    monolith: monolithNode,
    selector,
    flags,
    placement: () => selector.placement(service),
    flagStatus: () => flags.status(),
  });
}

function redirectCounter(registry: Registry): Counter<'service' | 'to' | 'flags_agreed'> {
  const name = 'neo_data_write_redirects_total';
  return (
    (registry.getSingleMetric(name) as Counter<'service' | 'to' | 'flags_agreed'> | undefined) ??
    new Counter({
      name,
      help: 'Writes refused by the cutover write guard and retried on the side of record, by that side and whether the flags already named it.',
      labelNames: ['service', 'to', 'flags_agreed'],
      registers: [registry],
    })
  );
}
