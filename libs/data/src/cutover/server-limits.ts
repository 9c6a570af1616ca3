import type { DataNode } from '@neo/topology';
import { withAdmin, type CutoverContext } from './cutover-context.js';
import { CutoverError } from './cutover.error.js';
import type { ReplicationChannel } from './replication-links.js';

/**
 * Checks, before anything is created, that each server can run the subscriptions the cutover
 * puts on it: `wal_level = logical` on publishers, and enough logical replication workers on
 * subscribers (one apply worker per subscription, plus at least one for initial table copies;
 * PostgreSQL's default of 4 is too few for a service with 4 shards on one server).
 */
export async function checkServerLimits(context: CutoverContext, links: readonly ReplicationChannel[]): Promise<void> {
  const problems: string[] = [];
  const byServer = new Map<string, { node: DataNode; links: ReplicationChannel[] }>();
  for (const link of links) {
    const key = `${link.subscriber.host}:${link.subscriber.port}`;
    const entry = byServer.get(key) ?? { node: link.subscriber, links: [] };
    entry.links.push(link);
    byServer.set(key, entry);
  }
  for (const { node, links: onServer } of byServer.values()) {
    const settings = await withAdmin(context, node, async (client) => {
      const { rows } = await client.query<{ workers: string; processes: string; existing: string; names: string[] | null }>(
        `SELECT current_setting('max_logical_replication_workers') AS workers, current_setting('max_worker_processes') AS processes,
                (SELECT count(*) FROM pg_subscription)::text AS existing,
                (SELECT array_agg(subname::text) FROM pg_subscription) AS names`,
      );
      return rows[0]!;
    });
    const already = new Set(settings.names ?? []);
    const needed = Number(settings.existing) + onServer.filter((link) => !already.has(link.name)).length + 1;
    if (Number(settings.workers) < needed || Number(settings.processes) < needed + 2) {
      problems.push(
        `${node.cluster}/${node.node} needs max_logical_replication_workers >= ${needed} and max_worker_processes >= ${needed + 2} ` +
          `(it has ${settings.workers} and ${settings.processes}): ALTER SYSTEM SET max_logical_replication_workers = ${Math.max(32, needed)}; ` +
          `ALTER SYSTEM SET max_worker_processes = ${Math.max(40, needed + 2)}; then restart that server`,
      );
    }
  }
  const publishers = new Map(links.map((link) => [`${link.publisher.host}:${link.publisher.port}`, link.publisher]));
  for (const node of publishers.values()) {
    const walLevel = await withAdmin(
      context,
      node,
      async (client) => (await client.query<{ level: string }>(`SELECT current_setting('wal_level') AS level`)).rows[0]!.level,
    );
    if (walLevel !== 'logical')
      problems.push(`${node.cluster}/${node.node} has wal_level = ${walLevel}: set wal_level = logical and restart it`);
  }
  if (problems.length > 0) {
    throw new CutoverError(
      'CUTOVER_SERVER_LIMITS',
      `The servers cannot run this cutover's replication:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
  }
}
