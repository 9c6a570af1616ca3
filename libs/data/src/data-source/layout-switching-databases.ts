import { AsyncLocalStorage } from 'node:async_hooks';
import type { FlagProvider } from '../flags/flag-provider.js';
import { ConnectionSelector } from '../selection/connection-selector.js';
import { reshardFlags } from '../selection/side-flag-names.js';
import { createSideSwitchingClient } from '../selection/side-switching-client.js';
import type { Side } from '../selection/side.js';
import type { ConnectedDatabases } from './data-source.js';
import { DEFAULT_READ_YOUR_WRITES_MS, ReadYourWritesChooser } from './side-switching.read-your-writes.js';
import { forcingChooser, retryRedirectedWrites, type WriteRedirectTuning } from './side-switching.write-redirect.js';

export interface LayoutSwitchOptions {
  /** The flags naming the layout (`Reshard.<service>.reads|writes`). */
  readonly flags: FlagProvider;
  /** How long a session's reads stay on the layout it last wrote to (default 2000 ms; 0: off). */
  readonly readYourWritesMs?: number;
  /** How writes refused by the reshard's write guard are retried on the layout of record. */
  readonly writeRedirect?: WriteRedirectTuning;
}

/**
 * A service being resharded (`sharding.next` declared): both shard layouts connected, each call
 * sent to the layout the `Reshard.<service>.reads|writes` flags name, so routing follows the
 * reshard's steps without a restart. It is the cutover's switch one level down: the current
 * layout stands where the monolith does, the next where the service's databases do; writes
 * move at once, reads by a sticky per-user rollout, a session reads where it last wrote, and a
 * write the reshard's guard refused (SQLSTATE NC001, `current-layout`/`next-layout`) runs again
 * on the layout of record. The retry keeps its forced layout apart from the cutover's, so an
 * outer side switch and this one never force each other.
 */
export function switchLayouts<TClient>(
  service: string,
  current: ConnectedDatabases<TClient>,
  next: ConnectedDatabases<TClient>,
  options: LayoutSwitchOptions,
): ConnectedDatabases<TClient> {
  const selector = new ConnectionSelector({ flags: options.flags, flagNames: reshardFlags });
  const chooser = new ReadYourWritesChooser(selector, options.readYourWritesMs ?? DEFAULT_READ_YOUR_WRITES_MS);
  const forcedLayout = new AsyncLocalStorage<Side>();
  const switching = createSideSwitchingClient<TClient & object>({
    service,
    monolith: current.client as TClient & object,
    own: next.client as TClient & object,
    selector: forcingChooser(
      chooser,
      (_service, kind, side) => {
        if (kind === 'write') chooser.noteWrite(service, side);
      },
      forcedLayout,
    ),
  });
  const client = retryRedirectedWrites(switching, {
    flags: { writeSide: () => selector.placement(service).writes },
    sides: { 'current-layout': 'monolith', 'next-layout': 'service' },
    forcedSide: forcedLayout,
    ...(options.writeRedirect ? { tuning: options.writeRedirect } : {}),
  });
  return {
    client,
    databases: () => [...current.databases(), ...next.databases()],
    stop: () => {
      selector.close();
      current.stop?.();
      next.stop?.();
    },
  };
}
