import { dataNodeLabel } from '@neo/topology';
import { withAdmin, type CutoverContext } from './cutover-context.js';
import { CutoverError } from './cutover.error.js';
import type { ReplicationLink } from './replication-links.js';

/** The state of one subscription, from both ends. */
export interface LinkHealth {
  name: string;
  direction: ReplicationLink['direction'];
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
  /** What is wrong, when something is. */
  problem?: string;
}

export async function inspectLink(context: CutoverContext, link: ReplicationLink): Promise<LinkHealth> {
  const route = `${dataNodeLabel(link.publisher)} → ${dataNodeLabel(link.subscriber)}`;
  const subscriber = await withAdmin(context, link.subscriber, async (client) => {
    const { rows } = await client.query<{ enabled: boolean; pid: number | null; not_ready: string }>(
      `SELECT s.subenabled AS enabled,
              (SELECT st.pid FROM pg_stat_subscription st WHERE st.subid = s.oid AND st.relid IS NULL LIMIT 1) AS pid,
              (SELECT count(*) FROM pg_subscription_rel sr WHERE sr.srsubid = s.oid AND sr.srsubstate <> 'r')::text AS not_ready
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
  };
  const problem = !health.exists
    ? 'the subscription does not exist'
    : !health.enabled
      ? 'the subscription is disabled'
      : !health.slotExists
        ? 'its replication slot on the publisher is gone'
        : !health.workerRunning
          ? 'no apply worker runs (see the subscriber server log: connection or apply errors)'
          : health.tablesNotReady > 0
            ? `${health.tablesNotReady} table(s) have not finished their initial copy`
            : undefined;
  return problem ? { ...health, problem } : health;
}

/**
 * Refuses with CUTOVER_REPLICATION_BROKEN unless every link is up and fully copied. A worker
 * that is restarting gets `waitMs` to come back.
 */
export async function assertLinksHealthy(
  context: CutoverContext,
  links: readonly ReplicationLink[],
  waitMs: number,
  doing: string,
): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const health = await Promise.all(links.map((link) => inspectLink(context, link)));
    const broken = health.filter((entry) => entry.problem);
    if (broken.length === 0) return;
    if (Date.now() >= deadline) {
      throw new CutoverError(
        'CUTOVER_REPLICATION_BROKEN',
        `Refusing to ${doing}: replication is broken, so the other side may be missing writes:\n` +
          broken.map((entry) => `  - ${entry.name} (${entry.route}): ${entry.problem}`).join('\n') +
          `\nRepair it first (neo-db status shows it; the subscriber's server log says why), then retry.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
