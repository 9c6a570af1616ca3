import type pg from 'pg';
import type { DataNode } from '@neo/topology';
import { connectAdmin, timeoutsOf, type CutoverContext } from './cutover-context.js';
import { assertLinksHealthy } from './replication-health.js';
import type { ReplicationChannel, SideDatabase } from './replication-links.js';
import { STABLE_TEXT_SETTINGS } from './table-checksum.js';
import { WriteFence } from './write-fence.js';
import { nodeKey, waitChannelCaughtUp } from './write-switch.js';

/** While replication runs: the side taking writes, fenced for a moment, and the links that carry its writes. */
export interface SideOfRecord {
  /** The guard and fence key of the move (the service, or its layout key in a reshard). */
  guardKey: string;
  databases: readonly SideDatabase[];
  links: readonly ReplicationChannel[];
  /** What asks, for messages: e.g. "verify storage". */
  what: string;
}

/**
 * One REPEATABLE READ snapshot per database of `nodes` (by `nodeKey`), all showing the same
 * writes: with a side of record, it is fenced, its snapshots are taken, the other side catches up
 * through `links`, its snapshots are taken, and the fence is lifted before anything is compared,
 * so writers wait only for that. Without one (nothing replicates), the snapshots are simply taken.
 * Close them with `closeSnapshots`.
 */
export async function openConsistentSnapshots(
  context: CutoverContext,
  nodes: readonly DataNode[],
  sideOfRecord: SideOfRecord | undefined,
): Promise<Map<string, pg.Client>> {
  const clients = new Map<string, pg.Client>();
  const open = async (node: DataNode) => {
    if (clients.has(nodeKey(node))) return;
    const client = await connectAdmin(context, node);
    clients.set(nodeKey(node), client);
    await client.query(STABLE_TEXT_SETTINGS);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // The snapshot is taken by the first query.
    await client.query('SELECT 1');
  };
  try {
    if (!sideOfRecord) {
      for (const node of nodes) await open(node);
      return clients;
    }
    const timeouts = timeoutsOf(context);
    // Replication must run before writes are fenced: the fence lasts until the other side caught up.
    await assertLinksHealthy(context, sideOfRecord.links, timeouts.workerStartMs, sideOfRecord.what);
    const fence = await WriteFence.raise(context, sideOfRecord.guardKey, sideOfRecord.databases, {
      lockTimeoutMs: timeouts.fenceLockMs,
      maxHoldMs: timeouts.fenceLockMs + timeouts.catchUpMs + 30_000,
    });
    try {
      for (const database of sideOfRecord.databases) await open(database.node);
      await Promise.all(sideOfRecord.links.map((link) => waitChannelCaughtUp(context, link, fence, timeouts.catchUpMs)));
      for (const node of nodes) await open(node);
    } finally {
      await fence.release();
    }
    return clients;
  } catch (error) {
    await Promise.allSettled([...clients.values()].map((client) => client.end()));
    throw error;
  }
}

export async function closeSnapshots(snapshots: Map<string, pg.Client>): Promise<void> {
  await Promise.allSettled([...snapshots.values()].map((client) => client.query('COMMIT').finally(() => client.end())));
}
