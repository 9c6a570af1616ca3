import type { RoutingReason } from '../metrics/data-metrics.js';
import { isConnectFailure, isConnectionError, isReadOnlyTransactionError } from './connection-error.js';
import type { NodeClient } from './node-client.js';
import type { NodeRoles } from './node-roles.js';
import { PrimaryUnavailableError } from './primary-unavailable.error.js';
import { QueryTimeoutError, timeoutKindOf } from './query-timeout.error.js';
import type { ReadConsistency } from './read-consistency.js';
import type { ReplicaSelector } from './replica-selector.js';
import type { SessionWrites } from './session-writes.js';

/**
 * Runs calls on the right node: reads where the selector says (retrying connection failures
 * elsewhere), writes on the node that is primary now (failing fast with `PrimaryUnavailableError`
 * when it is down) while recording them for read-your-writes.
 */
export class ReadWriteRouter<C> {
  constructor(
    private readonly roles: NodeRoles<NodeClient<C>>,
    private readonly selector: ReplicaSelector<NodeClient<C>>,
    private readonly sessions: SessionWrites,
    private readonly onRoute: (node: NodeClient<C>, reason: RoutingReason) => void = () => undefined,
    /**
     * Polls every node once more to find the primary (the lag monitor's round); resolves within the
     * poll timeout. Absent: a write refused as read-only is not retried.
     */
    private readonly rediscoverPrimary?: () => Promise<void>,
  ) {}

  /** The node writes go to now. */
  get primary(): NodeClient<C> {
    return this.roles.primary;
  }

  /**
   * A read. A replica that fails to answer for a connection reason (before any result: a Prisma
   * call either returns its whole result or throws) costs no error: the read is retried once
   * on another replica, and if that fails the same way, on the primary.
   */
  async read<T>(
    operation: string,
    consistency: ReadConsistency,
    session: string | undefined,
    invoke: (client: C) => PromiseLike<T>,
  ): Promise<T> {
    const first = this.selector.selectRead(consistency, session);
    this.onRoute(first.node, first.reason);
    if (first.node === this.roles.primary) return this.readOnPrimary(operation, invoke);
    try {
      return await first.node.run(operation, 'read', invoke);
    } catch (error) {
      if (!isConnectionError(error)) throw this.timeoutOr(error, first.node) ?? error;
    }
    const second = this.selector.selectRead(consistency, session, first.node);
    this.onRoute(second.node, second.reason);
    if (second.node !== this.roles.primary) {
      try {
        return await second.node.run(operation, 'read', invoke);
      } catch (error) {
        if (!isConnectionError(error)) throw this.timeoutOr(error, second.node) ?? error;
      }
      this.onRoute(this.roles.primary, 'breaker_open');
    }
    return this.readOnPrimary(operation, invoke);
  }

  /**
   * A write, transaction or raw statement: always the primary. A `session` (none for
   * `$queryRaw`, which by convention reads) records it for read-your-writes.
   */
  async write<T>(operation: string, reason: RoutingReason, session: string | undefined, invoke: (client: C) => PromiseLike<T>): Promise<T> {
    const primary = this.roles.primary;
    try {
      return await this.writeOn(primary, operation, reason, session, invoke);
    } catch (error) {
      if (!isReadOnlyTransactionError(error) || !this.rediscoverPrimary) throw error;
      // The node refused the write as read-only (25006): it was demoted or fenced, so nothing was
      // written. Find the primary again and send the write there, once; never to a node in recovery.
      await this.rediscoverPrimary();
      const moved = this.roles.primary;
      if (moved === primary) throw new PrimaryUnavailableError(primary.label, { cause: error, retryAfterMs: 1_000 });
      return this.writeOn(moved, operation, reason, session, invoke);
    }
  }

  private async writeOn<T>(
    primary: NodeClient<C>,
    operation: string,
    reason: RoutingReason,
    session: string | undefined,
    invoke: (client: C) => PromiseLike<T>,
  ): Promise<T> {
    this.onRoute(primary, reason);
    if (!primary.breaker.acquire()) {
      throw new PrimaryUnavailableError(primary.label, {
        cause: primary.breaker.lastError,
        retryAfterMs: primary.breaker.currentBackoffMs,
      });
    }
    if (session !== undefined) this.sessions.writeStarted(session);
    let neverSent = false;
    try {
      return await primary.run(operation, 'write', invoke);
    } catch (error) {
      neverSent = isConnectFailure(error);
      throw (
        this.timeoutOr(error, primary) ?? (isConnectionError(error) ? new PrimaryUnavailableError(primary.label, { cause: error }) : error)
      );
    } finally {
      // Also after a failure: a commit whose answer was lost may still have happened. Only a
      // write that never reached the server leaves the session free to read from replicas.
      if (session !== undefined) {
        if (neverSent) this.sessions.writeAbandoned(session);
        else this.sessions.writeFinished(session);
      }
    }
  }

  private async readOnPrimary<T>(operation: string, invoke: (client: C) => PromiseLike<T>): Promise<T> {
    const primary = this.roles.primary;
    try {
      return await primary.run(operation, 'read', invoke);
    } catch (error) {
      throw (
        this.timeoutOr(error, primary) ??
        (isConnectionError(error) ? new PrimaryUnavailableError(primary.label, { cause: error, operation: 'read' }) : error)
      );
    }
  }

  /** A call that ran out of time, as the typed error services answer with 504 or 503. */
  private timeoutOr(error: unknown, node: NodeClient<C>): QueryTimeoutError | undefined {
    const kind = timeoutKindOf(error);
    if (kind === undefined) return undefined;
    return new QueryTimeoutError(node.label, kind, {
      cause: error,
      ...(kind === 'no-answer' ? { retryAfterMs: Math.max(node.breaker.currentBackoffMs, 1_000) } : {}),
    });
  }
}
