/**
 * A node's health as seen from its failures:
 * - `closed`: in use;
 * - `open`: out of use after `failureThreshold` connection failures in a row, for a backoff that
 *   doubles each time the node fails again (from `baseBackoffMs` up to `maxBackoffMs`);
 * - `half-open`: the backoff has passed and one probe request is in flight; its success closes
 *   the breaker, its failure opens it again with a longer backoff.
 * Only connection-level failures count: a query the server answered with an error proves the
 * node is up.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Connection failures in a row that open the breaker. Default 2: one reset connection is not an outage. */
  readonly failureThreshold?: number;
  /** First backoff. Default 250 ms. */
  readonly baseBackoffMs?: number;
  /** Longest backoff. Default 5 000 ms. */
  readonly maxBackoffMs?: number;
  /** Monotonic milliseconds; injectable for tests. */
  readonly now?: () => number;
  /** Called on every state change (for logs and metrics); must not throw. */
  readonly onStateChange?: (state: BreakerState, lastError: unknown) => void;
}

export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failuresInARow = 0;
  private backoffMs: number;
  private openedAt = 0;
  private probeStartedAt = 0;
  private error: unknown;
  private readonly failureThreshold: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 2;
    this.baseBackoffMs = options.baseBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
    this.now = options.now ?? (() => performance.now());
    this.backoffMs = this.baseBackoffMs;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** The connection error that last counted against the node (for error messages). */
  get lastError(): unknown {
    return this.error;
  }

  /** How long the breaker stays open before its next probe. */
  get currentBackoffMs(): number {
    return this.backoffMs;
  }

  /**
   * Whether a request may go to the node now, without changing anything: closed, or open with
   * its backoff over, or half-open with a probe that has taken longer than the longest backoff
   * (a probe that never reported back must not keep the node out forever).
   */
  isAvailable(): boolean {
    switch (this.current) {
      case 'closed':
        return true;
      case 'open':
        return this.now() - this.openedAt >= this.backoffMs;
      case 'half-open':
        return this.now() - this.probeStartedAt >= this.maxBackoffMs;
    }
  }

  /** Claims the node for one request; when the backoff is over, that request is the probe. */
  acquire(): boolean {
    if (!this.isAvailable()) return false;
    if (this.current !== 'closed') {
      this.probeStartedAt = this.now();
      this.transition('half-open');
    }
    return true;
  }

  recordSuccess(): void {
    this.failuresInARow = 0;
    // A success while open comes from a request sent before the breaker opened: no news.
    if (this.current === 'half-open') {
      this.backoffMs = this.baseBackoffMs;
      this.transition('closed');
    }
  }

  /**
   * A success seen outside user traffic (the lag monitor reached the node). It stands in for the
   * probe once the backoff is over, so an idle node rejoins without a user request risking it.
   */
  recordProbeSuccess(): void {
    if (this.current === 'closed') {
      this.failuresInARow = 0;
      return;
    }
    if (this.isAvailable() || this.current === 'half-open') {
      this.failuresInARow = 0;
      this.backoffMs = this.baseBackoffMs;
      this.transition('closed');
    }
  }

  /** A connection-level failure (refused, reset, timed out, server shutting down). */
  recordFailure(error?: unknown): void {
    this.error = error;
    switch (this.current) {
      case 'closed':
        this.failuresInARow++;
        if (this.failuresInARow >= this.failureThreshold) this.open(this.baseBackoffMs);
        return;
      case 'half-open':
        this.open(Math.min(this.backoffMs * 2, this.maxBackoffMs));
        return;
      case 'open':
        // A request that was already in flight when the breaker opened: no news.
        return;
    }
  }

  private open(backoffMs: number): void {
    this.backoffMs = backoffMs;
    this.openedAt = this.now();
    this.transition('open');
  }

  private transition(state: BreakerState): void {
    if (this.current === state) return;
    this.current = state;
    try {
      this.options.onStateChange?.(state, this.error);
    } catch {
      // An observer's failure must not change how requests are routed.
    }
  }
}
