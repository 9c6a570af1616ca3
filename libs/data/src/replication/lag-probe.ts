/** A node's replication state, read on the node itself by one query. */
export interface NodePosition {
  /** `pg_is_in_recovery()`: a replica (or a server still replaying after a crash). */
  readonly inRecovery: boolean;
  /**
   * Not in recovery and a new transaction is read-write: the node takes writes now. A primary
   * fenced by a failover (`default_transaction_read_only = on`) is not in recovery but not writable.
   */
  readonly writable: boolean;
  /** `pg_current_wal_lsn()` on a node not in recovery, else `null`. */
  readonly currentLsn: bigint | null;
  /** `pg_last_wal_replay_lsn()`: everything up to here is visible to reads. `null` on a server that is not in recovery. */
  readonly replayLsn: bigint | null;
  /** `pg_last_wal_receive_lsn()`: what the replica has received from the primary so far. */
  readonly receiveLsn: bigint | null;
  /** Milliseconds since the commit time of the last replayed transaction (replica clock), `null` if none yet. */
  readonly replayAgeMs: number | null;
  /** `pg_is_wal_replay_paused()`. */
  readonly paused: boolean;
}

/**
 * How the lag monitor reads a node's state. `pg-lag-probe.ts` reads it from PostgreSQL; tests
 * pass fakes. Every node, primary or replica, answers the same query, so one poll both measures
 * lag and finds out which node is the primary now. Calls may reject (the monitor records the
 * failure and carries on).
 */
export interface LagProbe {
  position(): Promise<NodePosition>;
  close(): Promise<void>;
}
