import { DataError } from '@neo/topology';

/**
 * A call the primary had to serve was refused because the primary cannot be reached: a write (or
 * transaction, or raw statement), or a read no replica could serve (none in rotation, or it must
 * see the session's own recent write). Services answer it with 503 and `Retry-After`; other reads
 * keep working from replicas meanwhile. Carries the node's label (never a password) and, as
 * `cause`, the connection error.
 */
export class PrimaryUnavailableError extends DataError {
  static readonly code = 'PRIMARY_UNAVAILABLE';

  /** When the next attempt to reach the primary will be made, if known. */
  readonly retryAfterMs: number | undefined;
  /** What was refused: a write, or a read that only the primary could serve. */
  readonly operation: 'read' | 'write';

  constructor(
    /** e.g. `blockchain/blockchain-primary/neo_oracle`. */
    readonly node: string,
    options: { cause?: unknown; retryAfterMs?: number; operation?: 'read' | 'write' } = {},
  ) {
    const operation = options.operation ?? 'write';
    super(
      PrimaryUnavailableError.code,
      operation === 'write'
        ? `The primary ${node} cannot be reached, so writes are refused for now; reads are still served by replicas. ` +
            'Check that the server is running and reachable from this service (see the cause).'
        : `The primary ${node} cannot be reached, and no replica could serve this read in its place. ` +
            'Check that the server is running and reachable from this service (see the cause).',
      { cause: options.cause },
    );
    this.retryAfterMs = options.retryAfterMs;
    this.operation = operation;
  }
}
