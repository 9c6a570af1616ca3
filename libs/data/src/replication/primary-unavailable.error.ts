import { DataError } from '@neo/topology';

/**
 * A write (or transaction, or raw statement) was refused because the primary cannot be reached.
 * Services answer it with 503 and `Retry-After`; reads keep working from replicas meanwhile.
 * Carries the node's label (never a password) and, as `cause`, the connection error.
 */
export class PrimaryUnavailableError extends DataError {
  static readonly code = 'PRIMARY_UNAVAILABLE';

  /** When the next attempt to reach the primary will be made, if known. */
  readonly retryAfterMs: number | undefined;

  constructor(
    /** e.g. `blockchain/blockchain-primary/neo_oracle`. */
    readonly node: string,
    options: { cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(
      PrimaryUnavailableError.code,
      `The primary ${node} cannot be reached, so writes are refused for now; reads are still served by replicas. ` +
        'Check that the server is running and reachable from this service (see the cause).',
      { cause: options.cause },
    );
    this.retryAfterMs = options.retryAfterMs;
  }
}
