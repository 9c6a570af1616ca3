import type { PoolSettings } from '@neo/topology';

/** Longest one statement runs when the topology's pool block does not say (`statementTimeoutMs`). */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;
/** Longest an interactive transaction stays open when the pool block does not say (`transactionTimeoutMs`). */
export const DEFAULT_TRANSACTION_TIMEOUT_MS = 30_000;
/**
 * How much longer than the statement timeout the client waits for any answer. A server that is up
 * cancels a slow statement itself at the statement timeout; one that accepted the connection and
 * then stopped answering never does, so the client gives up a little later on its own.
 */
export const NO_ANSWER_GRACE_MS = 1_000;

export interface QueryTimeouts {
  /** Sent to the server as `statement_timeout`: it cancels a statement running longer (SQLSTATE 57014). */
  readonly statementTimeoutMs: number;
  /** Given to Prisma as an interactive transaction's `timeout`: it rolls back a transaction open longer. */
  readonly transactionTimeoutMs: number;
  /** node-postgres' `query_timeout`: no answer at all within this time fails the call and drops the connection. */
  readonly noAnswerTimeoutMs: number;
}

/** The timeouts that bound every call on a node, from its pool block. */
export function queryTimeoutsOf(pool: Pick<PoolSettings, 'statementTimeoutMs' | 'transactionTimeoutMs'>): QueryTimeouts {
  const statementTimeoutMs = pool.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  return {
    statementTimeoutMs,
    transactionTimeoutMs: pool.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
    noAnswerTimeoutMs: statementTimeoutMs + NO_ANSWER_GRACE_MS,
  };
}
