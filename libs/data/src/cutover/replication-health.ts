import { dataNodeLabel } from '@neo/topology';
import { withAdmin, type CutoverContext } from './cutover-context.js';
import { CutoverError } from './cutover.error.js';
import type { ReplicationChannel } from './replication-links.js';

/** The state of one subscription, from both ends. */
export interface LinkHealth {
  name: string;
  direction: ReplicationChannel['direction'];
  /** `monolith → core/core-primary/neo_storage` (never a password). */
  route: string;
  exists: boolean;
  enabled: boolean;
  workerRunning: boolean;
  /** Tables whose initial copy is not finished. */
  tablesNotReady: number;
  slotExists: boolean;
  /** WAL the subscriber has not confirmed yet (publisher's current position − slot's confirmed position). */
  lagBytes: number | null;
  /** The publisher's measure of replay lag; null while idle and caught up. */
  lagMs: number | null;
  /** How many times its apply and table-copy workers failed since the subscription was made. */
  errors: number;
  /**
   * Set while the apply worker has not started yet but may still be starting: PostgreSQL's
   * launcher starts it within `wal_retrieve_retry_interval` of the subscription's creation.
   * Says how long that is; not a problem.
   */
  starting?: string;
  /** What is wrong, when something is. */
  problem?: string;
}

export interface InspectLinkOptions {
  /**
   * How long ago the link was (re)made, if known (status reads it from the cutover state): a
   * link without an apply worker and without errors counts as starting, not broken, until the
   * launcher had the time to start it.
   */
  changedMsAgo?: number;
}

/** Beyond the launcher's interval: the time a worker takes from being launched to showing in pg_stat_subscription. */
const WORKER_START_MARGIN_MS = 2_000;

export async function inspectLink(
  context: CutoverContext,
  link: ReplicationChannel,
  options: InspectLinkOptions = {},
): Promise<LinkHealth> {
  const route = `${dataNodeLabel(link.publisher)} → ${dataNodeLabel(link.subscriber)}`;
  const subscriber = await withAdmin(context, link.subscriber, async (client) => {
    const { rows } = await client.query<{ enabled: boolean; pid: number | null; not_ready: string; errors: string; retry_ms: string }>(
      `SELECT s.subenabled AS enabled,
              (SELECT st.pid FROM pg_stat_subscription st WHERE st.subid = s.oid AND st.relid IS NULL LIMIT 1) AS pid,
              (SELECT count(*) FROM pg_subscription_rel sr WHERE sr.srsubid = s.oid AND sr.srsubstate <> 'r')::text AS not_ready,
              (SELECT coalesce(sum(ss.apply_error_count + ss.sync_error_count), 0) FROM pg_stat_subscription_stats ss WHERE ss.subid = s.oid)::text AS errors,
              (SELECT setting FROM pg_settings WHERE name = 'wal_retrieve_retry_interval') AS retry_ms
         FROM pg_subscription s WHERE s.subname = $1`,
      [link.name],
    );
    return rows[0];
  });
  const publisher = await withAdmin(context, link.publisher, async (client) => {
    const { rows } = await client.query<{ lag_bytes: string | null; lag_ms: string | null }>(
      `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::text AS lag_bytes,
              (SELECT (extract(epoch FROM r.replay_lag) * 1000)::text FROM pg_stat_replication r WHERE r.application_name = s.slot_name LIMIT 1) AS lag_ms
         FROM pg_replication_slots s WHERE s.slot_name = $1`,
      [link.name],
    );
    return rows[0];
  });
  const health: LinkHealth = {
    name: link.name,
    direction: link.direction,
    route,
    exists: subscriber !== undefined,
    enabled: subscriber?.enabled ?? false,
    workerRunning: subscriber?.pid !== null && subscriber?.pid !== undefined,
    tablesNotReady: Number(subscriber?.not_ready ?? 0),
    slotExists: publisher !== undefined,
    lagBytes: publisher?.lag_bytes != null ? Math.max(0, Number(publisher.lag_bytes)) : null,
    lagMs: publisher?.lag_ms != null ? Number(publisher.lag_ms) : null,
    errors: Number(subscriber?.errors ?? 0),
  };
  const launchMs = Number(subscriber?.retry_ms ?? 5_000);
  const mayBeStarting =
    health.exists &&
    health.enabled &&
    health.slotExists &&
    !health.workerRunning &&
    health.errors === 0 &&
    options.changedMsAgo !== undefined &&
    options.changedMsAgo < launchMs + WORKER_START_MARGIN_MS;
  if (mayBeStarting) {
    return {
      ...health,
      starting: `its apply worker is starting (PostgreSQL starts it within wal_retrieve_retry_interval, ${(launchMs / 1000).toFixed(1)} s, of the switch)`,
    };
  }
  const problem = !health.exists
    ? 'the subscription does not exist'
    : !health.enabled
      ? 'the subscription is disabled'
      : !health.slotExists
        ? 'its replication slot on the publisher is gone'
        : !health.workerRunning
          ? health.errors > 0
            ? `no apply worker runs; its workers failed ${health.errors} time(s) (the subscriber server's log says why: connection or apply errors)`
            : 'no apply worker runs (see the subscriber server log: connection or apply errors)'
          : health.tablesNotReady > 0
            ? `${health.tablesNotReady} table(s) have not finished their initial copy`
            : undefined;
  return problem ? { ...health, problem } : health;
}

/**
 * Refuses with CUTOVER_REPLICATION_BROKEN unless every link is up and fully copied. A worker
 * that is starting or restarting gets `waitMs` to come.
 */
export async function assertLinksHealthy(
  context: CutoverContext,
  links: readonly ReplicationChannel[],
  waitMs: number,
  doing: string,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const health = await Promise.all(links.map((link) => inspectLink(context, link)));
    const broken = health.filter((entry) => entry.problem || !entry.workerRunning);
    if (broken.length === 0) return;
    if (Date.now() >= deadline) {
      throw new CutoverError(
        'CUTOVER_REPLICATION_BROKEN',
        `Refusing to ${doing}: replication is broken, so the other side may be missing writes:\n` +
          broken.map((entry) => `  - ${entry.name} (${entry.route}): ${entry.problem ?? `no apply worker after ${waitMs} ms`}`).join('\n') +
          `\nRepair it first (neo-db status shows it; the subscriber's server log says why), then retry.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
