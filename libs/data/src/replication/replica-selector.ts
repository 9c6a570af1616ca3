import type { RoutingReason } from '../metrics/data-metrics.js';
import type { NodeRoles } from './node-roles.js';
import type { ReadConsistency } from './read-consistency.js';
import type { ReplicaPicker } from './replica-picker.js';
import type { RoutableNode } from './routable-node.js';
import type { SessionWrites } from './session-writes.js';

/** The freshness facts the selector needs; the lag monitor provides them. */
export interface FreshnessView {
  isWithinLag(label: string): boolean;
  replayLsn(label: string): bigint | undefined;
  primaryLsnObservedAfter(time: number): bigint | undefined;
}

export interface ReadRoute<N> {
  readonly node: N;
  /** `replica` when a replica serves the read; otherwise why the primary does. */
  readonly reason: RoutingReason;
}

/**
 * Decides which node serves a read. Replicas are filtered step by step, and the step that
 * leaves none names the reason the primary serves the read instead:
 * 1. `fresh`/`primary` consistency → the primary (`forced_primary`); no replicas at all → `no_replica`;
 * 2. circuit breaker closed (or due a probe) → else `breaker_open`;
 * 3. within the lag bound (skipped for `stale-ok`) → else `lagging`;
 * 4. read-your-writes: if the session has a write in flight, or wrote and no replica has yet
 *    replayed the primary position sampled by a poll that *began after* that write finished
 *    → `read_your_writes`. That poll's position is at or past the write's commit, so a replica
 *    that has replayed it shows the write: no extra round trip per write is needed, at the cost
 *    of reading from the primary for about one poll interval after each write;
 * 5. the picker (policy) chooses among what is left.
 * Never throws: with no usable replica the answer is the primary.
 */
export class ReplicaSelector<N extends RoutableNode> {
  constructor(
    private readonly roles: NodeRoles<N>,
    private readonly picker: ReplicaPicker,
    private readonly freshness: FreshnessView,
    private readonly sessions: SessionWrites,
  ) {}

  selectRead(consistency: ReadConsistency, session: string | undefined, exclude?: N): ReadRoute<N> {
    const { primary, replicas } = this.roles;
    if (consistency === 'fresh' || consistency === 'primary') return { node: primary, reason: 'forced_primary' };
    if (replicas.length === 0) return { node: primary, reason: 'no_replica' };

    let usable = replicas.filter((replica) => replica !== exclude && replica.breaker.isAvailable());
    if (usable.length === 0) return { node: primary, reason: 'breaker_open' };

    if (consistency !== 'stale-ok') {
      usable = usable.filter((replica) => this.freshness.isWithinLag(replica.label));
      if (usable.length === 0) return { node: primary, reason: 'lagging' };

      const writes = session === undefined ? undefined : this.sessions.state(session);
      if (writes !== undefined) {
        if (writes.pending) return { node: primary, reason: 'read_your_writes' };
        if (writes.lastWriteFinishedAt !== undefined) {
          const required = this.freshness.primaryLsnObservedAfter(writes.lastWriteFinishedAt);
          if (required === undefined) return { node: primary, reason: 'read_your_writes' };
          usable = usable.filter((replica) => (this.freshness.replayLsn(replica.label) ?? -1n) >= required);
          if (usable.length === 0) return { node: primary, reason: 'read_your_writes' };
        }
      }
    }

    const chosen = this.picker.pick(usable as [N, ...N[]]);
    // Claims the probe slot when the node's breaker is half-open.
    chosen.breaker.acquire();
    return { node: chosen, reason: 'replica' };
  }
}
