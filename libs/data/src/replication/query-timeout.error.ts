import { DataError } from '@neo/topology';

/**
 * How a call ran out of time:
 * - `statement`: the server cancelled a statement that ran past `statementTimeoutMs` (it is up,
 *   the statement was slow or waited on a lock);
 * - `transaction`: an interactive transaction stayed open past `transactionTimeoutMs` and was
 *   rolled back;
 * - `no-answer`: the server accepted the call and then did not answer at all (hung or stopped
 *   host); the outcome of a write is unknown.
 */
export type QueryTimeoutKind = 'statement' | 'transaction' | 'no-answer';

/**
 * A call bounded by the topology's timeouts ran out of time. Services answer `statement` and
 * `transaction` with 504 and `no-answer` with 503 and `Retry-After`. Carries the node's label
 * (never a password) and, as `cause`, the driver's error.
 */
export class QueryTimeoutError extends DataError {
  static readonly code = 'QUERY_TIMEOUT';

  /** When the next attempt to reach the node will be made, if known (`no-answer` only). */
  readonly retryAfterMs: number | undefined;

  constructor(
    /** e.g. `core/core-primary/neo_storage`. */
    readonly node: string,
    readonly kind: QueryTimeoutKind,
    options: { cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(QueryTimeoutError.code, messageOf(node, kind), { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
  }
}

function messageOf(node: string, kind: QueryTimeoutKind): string {
  switch (kind) {
    case 'statement':
      return (
        `A statement on ${node} ran longer than its statement timeout and was cancelled by the server; nothing it did was kept. ` +
        'Make the query cheaper, look for a lock held by a long transaction, or raise statementTimeoutMs in the topology pool block.'
      );
    case 'transaction':
      return (
        `A transaction on ${node} stayed open longer than its transaction timeout and was rolled back. ` +
        'Do less inside the transaction, or raise transactionTimeoutMs in the topology pool block (or pass { timeout } to $transaction).'
      );
    case 'no-answer':
      return (
        `${node} accepted the call but did not answer within the statement timeout and its grace; the connection was dropped. ` +
        'A write may or may not have been applied. Check that the server is running and not stopped or overloaded.'
      );
  }
}

/**
 * Which timeout an error of the driver or of Prisma stands for, if any: SQLSTATE 57014 (statement
 * cancelled), Prisma's P2028 with a `timeout` (an expired interactive transaction), or
 * node-postgres' "Query read timeout" (no answer). Walks `cause` and Prisma's `meta.driverAdapterError`.
 */
export function timeoutKindOf(error: unknown): QueryTimeoutKind | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    if (record['code'] === '57014' || record['originalCode'] === '57014') return 'statement';
    const meta = record['meta'];
    if (record['code'] === 'P2028' && meta !== null && typeof meta === 'object' && 'timeout' in meta) return 'transaction';
    if (typeof record['message'] === 'string' && /Query read timeout/.test(record['message'])) return 'no-answer';
    current =
      meta !== null && typeof meta === 'object' && 'driverAdapterError' in meta
        ? (meta as Record<string, unknown>)['driverAdapterError']
        : record['cause'];
  }
  return undefined;
}
