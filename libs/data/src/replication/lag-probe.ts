/** A replica's replay state, read on the replica itself. */
export interface ReplicaPosition {
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
 * How the lag monitor reads WAL positions. `pg-lag-probe.ts` reads them from PostgreSQL;
 * tests pass fakes. Calls may reject (the monitor records the failure and carries on).
 */
export interface LagProbe {
  /** `pg_current_wal_lsn()` on the primary. */
  primaryPosition(): Promise<bigint>;
  replicaPosition(): Promise<ReplicaPosition>;
  close(): Promise<void>;
}
