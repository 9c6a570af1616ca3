import { connect } from '../provisioning/provision-cluster.js';
import type { FailoverNode } from './promote-replica.js';

/** What a node serves as, asked of the node itself. */
export interface NodeRole {
  readonly name: string;
  /** `primary`: takes writes; `replica`: in recovery; `read-only`: not in recovery but refuses writes (fenced); `down`: no answer. */
  readonly state: 'primary' | 'replica' | 'read-only' | 'down';
}

/** Asks every node of a cluster whether it is in recovery and whether it takes writes: which one is the primary now. */
export async function readNodeRoles(nodes: readonly FailoverNode[]): Promise<NodeRole[]> {
  return Promise.all(
    nodes.map(async ({ name, target }): Promise<NodeRole> => {
      try {
        const client = await connect(target, 'postgres');
        try {
          const { rows } = await client.query<{ in_recovery: boolean; read_only: string }>(
            "SELECT pg_is_in_recovery() AS in_recovery, current_setting('transaction_read_only') AS read_only",
          );
          const row = rows[0]!;
          return { name, state: row.in_recovery ? 'replica' : row.read_only === 'on' ? 'read-only' : 'primary' };
        } finally {
          await client.end();
        }
      } catch {
        return { name, state: 'down' };
      }
    }),
  );
}
