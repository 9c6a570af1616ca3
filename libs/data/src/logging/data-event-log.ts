import type { DataNode } from '@neo/topology';
import { currentRequestContext } from '../context/request-context.js';
import type { SidePlacement } from '../selection/connection-selector.js';

/** The part of Nest's `LoggerService` the event log writes to (Nest's `Logger`, a JSON console logger, pino). */
export interface EventLogger {
  log(message: unknown, context?: string): void;
  warn(message: unknown, context?: string): void;
}

/** Where an event happened: which side of the cutover, which shard (database) and which node. */
export interface EventPlace {
  /** `monolith` for the service's schema in the monolith, `service` for its own databases. */
  side: 'monolith' | 'service';
  /** The database, which is the shard for a sharded service (`neo_storage_2025`). */
  shard: string;
  /** `<cluster>/<node>`. */
  node: string;
}

/** One logged data-layer event: always the service, the request (when inside one) and the place. */
export interface DataEvent extends Partial<EventPlace> {
  event: 'replica-rotation' | 'breaker' | 'primary-change' | 'flags' | 'write-redirect' | 'cutover-step';
  service: string;
  requestId?: string;
  [detail: string]: unknown;
}

export const DATA_EVENT_CONTEXT = 'neo-data';

/** The place of a node, from topology names only (never a secret). */
export function eventPlace(node: DataNode): EventPlace {
  return { side: node.schema === undefined ? 'service' : 'monolith', shard: node.database, node: `${node.cluster}/${node.node}` };
}

/** One operator step of a cutover (`neo-db copy`, `verify`, `switch-reads`, `switch-writes`, `rollback`, `resync`, `finish`), as it ended. */
export interface CutoverStepEvent {
  step:
    | 'copy'
    | 'verify'
    | 'switch-reads'
    | 'switch-writes'
    | 'rollback'
    | 'resync'
    | 'finish'
    | 'reshard copy'
    | 'reshard verify'
    | 'reshard switch-reads'
    | 'reshard switch-writes'
    | 'reshard rollback'
    | 'reshard resync'
    | 'reshard finish';
  /** The phase recorded in the monolith before and after the step; `null` when no cutover has started. */
  phaseBefore: string | null;
  phaseAfter: string | null;
  durationMs: number;
  /** `done`; `nothing-to-do` (already so); `differences` (verify found some); `failed` (with `code` and `error`). */
  outcome: 'done' | 'nothing-to-do' | 'differences' | 'failed';
  [detail: string]: unknown;
}

/**
 * The data layer's changes as structured log events, each change once: a replica leaving or
 * returning to rotation, a breaker opening or closing, a flag change moving the service, a write
 * redirected by the cutover write guard, an operator's cutover step. Lag polls and queries call
 * in on every round; only a state different from the last one logged for the same node is written.
 */
export class DataEventLog {
  private readonly last = new Map<string, string>();

  constructor(
    readonly service: string,
    private readonly logger: EventLogger,
  ) {}

  /** Called on every lag poll; logs when the replica enters or leaves rotation (and when it starts out of it). */
  replicaRotation(place: EventPlace, inRotation: boolean, lagMs?: number): void {
    if (!this.changed(`rotation:${place.shard}:${place.node}`, inRotation ? 'in' : 'out', 'in')) return;
    this.write(inRotation ? 'log' : 'warn', {
      event: 'replica-rotation',
      ...place,
      inRotation,
      ...(lagMs !== undefined ? { lagMs: Math.round(lagMs * 10) / 10 } : {}),
      msg: inRotation ? 'replica returned to rotation' : 'replica left rotation (lagging or unreachable)',
    });
  }

  /** A node's circuit breaker changed state (the breaker reports transitions only). */
  breaker(place: EventPlace, state: string, error?: unknown): void {
    if (!this.changed(`breaker:${place.shard}:${place.node}`, state, 'closed')) return;
    this.write(state === 'closed' ? 'log' : 'warn', {
      event: 'breaker',
      ...place,
      state,
      ...(state === 'open' && error instanceof Error ? { cause: error.message } : {}),
      msg: `breaker ${state}`,
    });
  }

  /** Writes moved to another node: `place` is the new primary, `from` the node that no longer takes writes and why. */
  primaryChange(place: EventPlace, from: string, reason: string): void {
    if (!this.changed(`primary:${place.shard}`, place.node)) return;
    this.write('warn', {
      event: 'primary-change',
      ...place,
      from,
      reason,
      msg: `primary changed: writes now go to ${place.node} (${from} is ${reason})`,
    });
  }

  /** Called on every flag change; logs when the service's placement (where writes and reads go) moved, and the first one. */
  flags(placement: SidePlacement): void {
    const state = `${placement.writes}/${placement.reads}`;
    if (!this.changed('flags', state)) return;
    this.write('log', {
      event: 'flags',
      writes: placement.writes,
      reads: placement.reads,
      msg: `flags: writes on the ${placement.writes}, reads ${placement.reads === 'service' ? 'on the service' : 'by user rollout'}`,
    });
  }

  /** A write the write guard refused was retried on the side of record. */
  writeRedirect(to: string, flagsAgreed: boolean, shard?: string): void {
    this.write('warn', {
      event: 'write-redirect',
      side: to,
      ...(shard ? { shard } : {}),
      flagsAgreed,
      msg: `write redirected to the ${to} (the write guard moved writes${flagsAgreed ? '' : ' before the flags said so'})`,
    });
  }

  /** A cutover step ended (the operator's command runs it once); `warn` when it failed or found differences. */
  cutoverStep(step: CutoverStepEvent): void {
    const ended = step.outcome === 'failed' ? 'failed' : step.outcome === 'differences' ? 'found differences' : 'done';
    this.write(step.outcome === 'done' || step.outcome === 'nothing-to-do' ? 'log' : 'warn', {
      event: 'cutover-step',
      ...step,
      durationMs: Math.round(step.durationMs),
      msg: `${step.step.startsWith('reshard') ? '' : 'cutover '}${step.step} ${ended} (phase ${step.phaseBefore ?? 'none'} → ${step.phaseAfter ?? 'none'})`,
    });
  }

  /** True (and remembered) when `state` differs from the last one for `key`; a first `quiet` state is not news. */
  private changed(key: string, state: string, quiet?: string): boolean {
    const before = this.last.get(key);
    this.last.set(key, state);
    return before === undefined ? state !== quiet : before !== state;
  }

  private write(level: 'log' | 'warn', fields: Omit<DataEvent, 'service' | 'side'> & { side?: string }): void {
    const requestId = currentRequestContext()?.requestId;
    const event = { service: this.service, ...(requestId ? { requestId } : {}), ...fields };
    try {
      this.logger[level](event, DATA_EVENT_CONTEXT);
    } catch {
      // A failing logger must not break a query.
    }
  }
}
