import pg from 'pg';
import type { Topology } from '@neo/topology';
import { adminConfig, type CutoverContext } from './cutover-context.js';
import type { ReplicationChannel } from './replication-links.js';
import { quoteIdent } from './sql-text.js';

/**
 * A subscription is a catalog row, copied to every physical replica. After a failover the old
 * primary, when it still runs (fenced read-only, not stopped), keeps its copy of a forward link's
 * subscription, and its apply worker keeps connecting to the publisher's slot: it cannot apply
 * anything there, but while it holds the slot the promoted node's worker cannot. So before a
 * subscriber's link is rebuilt, that copy is disabled on every other node of the subscriber's
 * cluster that answers and is not in recovery. Returns the nodes where one was disabled.
 */
export async function disableStaleSubscriptions(context: CutoverContext, link: ReplicationChannel): Promise<string[]> {
  const cluster: Topology['clusters'][string] | undefined = context.topology.clusters[link.subscriber.cluster];
  if (!cluster) return [];
  const others = [cluster.primary, ...cluster.replicas].filter(
    (node) =>
      node.host !== undefined && node.port !== undefined && !(node.host === link.subscriber.host && node.port === link.subscriber.port),
  );
  const disabled: string[] = [];
  for (const node of others) {
    const client = new pg.Client({
      ...adminConfig(context, { ...link.subscriber, node: node.name, host: node.host!, port: node.port! }),
      connectionTimeoutMillis: 2_000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch {
      continue; // Dead or stopped: its worker runs nowhere.
    }
    try {
      const { rows } = await client.query<{ recovery: boolean; enabled: boolean | null }>(
        'SELECT pg_is_in_recovery() AS recovery, (SELECT subenabled FROM pg_subscription WHERE subname = $1) AS enabled',
        [link.name],
      );
      if (rows[0]!.recovery || rows[0]!.enabled !== true) continue;
      // The failover fenced it read-only for the services; this one change is the cutover's own.
      // Its synchronous replicas follow the new primary now: a commit waiting for one would wait forever.
      await client.query('SET default_transaction_read_only = off');
      await client.query('SET synchronous_commit = local');
      await client.query(`ALTER SUBSCRIPTION ${quoteIdent(link.name)} DISABLE`);
      disabled.push(node.name);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return disabled;
}
