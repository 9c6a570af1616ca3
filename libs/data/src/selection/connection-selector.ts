import { currentRequestContext, type RequestContext } from '../context/request-context.js';
import type { FlagProvider } from '../flags/flag-provider.js';
import type { SelectionMetrics, SideReason } from './selection-metrics.js';
import { useShardedDatabaseFlags, type SideFlagNames } from './side-flag-names.js';
import type { OperationKind, Side } from './side.js';

export interface ConnectionSelectorOptions {
  readonly flags: FlagProvider;
  readonly metrics?: SelectionMetrics;
  /** The flags a service's side is read from. Default: `UseShardedDatabase.<service>.reads|writes`. */
  readonly flagNames?: (service: string) => SideFlagNames;
}

export interface SideDecision {
  readonly side: Side;
  readonly reason: SideReason;
}

/** Where a service's calls go right now, for health and status pages. */
export interface SidePlacement {
  readonly service: string;
  readonly flags: SideFlagNames;
  /** Where every write goes. */
  readonly writes: Side;
  /**
   * `service`: every read; `by-user`: each user's reads follow the reads rollout (which may be
   * 0 %), calls without a user read from the monolith.
   */
  readonly reads: 'service' | 'by-user';
}

/** The per-service answers that do not depend on the caller; recomputed only when flags change. */
interface ServiceSwitches {
  readonly names: SideFlagNames;
  readonly writesOnService: boolean;
  readonly readsOnServiceForEveryone: boolean;
}

/**
 * Decides, per service and per call, whether the monolith or the service's own database
 * serves it:
 * - writes: the service only when the writes flag is on for everyone (a switch; a partial
 *   rollout on it counts as off, since writes split by user would fork the data);
 * - reads: the service when writes are there (so a user reads what they wrote), else by the
 *   reads flag's flexibleRollout for the caller's user id (sticky: the same user stays on the
 *   same side while the percentage does not drop below them);
 * - a call without a user id (jobs, health checks) takes the monolith until the reads rollout
 *   reaches 100 %: the monolith stays correct through the whole reads rollout, a random side
 *   per call would not be sticky.
 *
 * No I/O per call: the flag provider evaluates in memory, and the caller-independent answers
 * are cached until the provider reports a change.
 */
export class ConnectionSelector {
  private switches = new Map<string, ServiceSwitches>();
  private readonly flagNames: (service: string) => SideFlagNames;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: ConnectionSelectorOptions) {
    this.flagNames = options.flagNames ?? useShardedDatabaseFlags;
    this.unsubscribe = options.flags.onChange(() => {
      this.switches = new Map();
    });
  }

  /** The side for one call, counted in the metrics. `context` defaults to the current request's. */
  select(service: string, kind: OperationKind, context: RequestContext | undefined = currentRequestContext()): Side {
    const decision = this.decide(service, kind, context);
    this.options.metrics?.recordDecision(service, kind, decision.side, decision.reason);
    return decision.side;
  }

  /** The side for one call and why, without counting it. */
  decide(service: string, kind: OperationKind, context: RequestContext | undefined = currentRequestContext()): SideDecision {
    const switches = this.switchesOf(service);
    if (kind === 'write') return { side: switches.writesOnService ? 'service' : 'monolith', reason: 'switch' };
    if (switches.writesOnService) return { side: 'service', reason: 'writes_switched' };
    if (context?.userId === undefined || context.userId === '') {
      return { side: switches.readsOnServiceForEveryone ? 'service' : 'monolith', reason: 'no_user' };
    }
    return { side: this.options.flags.isEnabled(switches.names.reads, context) ? 'service' : 'monolith', reason: 'rollout' };
  }

  placement(service: string): SidePlacement {
    const switches = this.switchesOf(service);
    const writes: Side = switches.writesOnService ? 'service' : 'monolith';
    const reads = switches.writesOnService || switches.readsOnServiceForEveryone ? 'service' : 'by-user';
    return { service, flags: switches.names, writes, reads };
  }

  /** Stops following flag changes. */
  close(): void {
    this.unsubscribe();
  }

  private switchesOf(service: string): ServiceSwitches {
    let switches = this.switches.get(service);
    if (!switches) {
      const names = this.flagNames(service);
      switches = {
        names,
        writesOnService: this.options.flags.isEnabledForEveryone(names.writes),
        readsOnServiceForEveryone: this.options.flags.isEnabledForEveryone(names.reads),
      };
      this.switches.set(service, switches);
    }
    return switches;
  }
}
