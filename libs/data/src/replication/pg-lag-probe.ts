import pg from 'pg';
import type { LagProbe, NodePosition } from './lag-probe.js';
import { parseLsn } from './lsn.js';

const positionSql = `
  SELECT pg_is_in_recovery() AS in_recovery,
         current_setting('transaction_read_only') = 'on' AS read_only,
         CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current_lsn,
         pg_last_wal_replay_lsn()::text AS replay_lsn,
         pg_last_wal_receive_lsn()::text AS receive_lsn,
         (EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 AS replay_age_ms,
         CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() ELSE false END AS paused`;

/**
 * Reads WAL positions over a pool of its own with a single connection, so polling is never
 * queued behind user queries on a busy application pool, and a slow or hung server cannot hold
 * the monitor: every query has a timeout.
 */
export class PgLagProbe implements LagProbe {
  private readonly pool: pg.Pool;

  constructor(config: pg.PoolConfig, timeoutMs: number) {
    this.pool = new pg.Pool({
      ...config,
      max: 1,
      min: 0,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      idleTimeoutMillis: 0,
      application_name: 'neo-lag-monitor',
    });
    // An idle connection dropped by the server is reported here; the next poll reconnects.
    this.pool.on('error', () => undefined);
  }

  /**
   * The node's state in one round trip. On a primary, `current_lsn` is the write position.
   * Read-your-writes relies on it covering every commit that has returned, which holds unless the
   * primary runs with `synchronous_commit = off` (then a commit returns before its WAL is written).
   * The insert position is no alternative: at a page boundary it stays a page header ahead of
   * anything a replica can replay, so an idle replica would never count as caught up.
   */
  async position(): Promise<NodePosition> {
    const { rows } = await this.pool.query<{
      in_recovery: boolean;
      read_only: boolean;
      current_lsn: string | null;
      replay_lsn: string | null;
      receive_lsn: string | null;
      replay_age_ms: number | null;
      paused: boolean;
    }>(positionSql);
    const row = rows[0]!;
    return {
      inRecovery: row.in_recovery,
      writable: !row.in_recovery && !row.read_only,
      currentLsn: row.current_lsn === null ? null : parseLsn(row.current_lsn),
      replayLsn: row.replay_lsn === null ? null : parseLsn(row.replay_lsn),
      receiveLsn: row.receive_lsn === null ? null : parseLsn(row.receive_lsn),
      replayAgeMs: row.replay_age_ms,
      paused: row.paused,
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
