import pg from 'pg';
import { adminConfig, type CutoverContext } from './cutover-context.js';
import { CutoverError } from './cutover.error.js';
import { dataNodeLabel, type DataNode } from '@neo/topology';
import { quoteIdent } from './sql-text.js';

/**
 * A logical replication slot made together with an exported snapshot: the rows read in that
 * snapshot are exactly those committed before the slot's consistent point, and the slot streams
 * exactly the changes committed after it. Reading the source in the snapshot and then subscribing
 * to the slot (`copy_data = false`) gives every row once: none missed, none twice.
 *
 * The snapshot lives as long as the replication connection that made it stays open and idle, so
 * `close()` comes after every read in it; the slot itself stays (it is permanent).
 */
export class SnapshotSlot {
  private constructor(
    private readonly connection: pg.Client,
    readonly slot: string,
    /** The slot's consistent point: the first change the slot streams comes after it. */
    readonly lsn: string,
    /** The exported snapshot's name, for `SET TRANSACTION SNAPSHOT`. */
    readonly snapshot: string,
  ) {}

  /** Creates `slot` (pgoutput) on `node`'s database through a replication connection, with its snapshot. */
  static async create(context: CutoverContext, node: DataNode, slot: string): Promise<SnapshotSlot> {
    // `replication: 'database'` is a libpq startup parameter pg passes through (absent from its types).
    const connection = new pg.Client({ ...adminConfig(context, node), replication: 'database' } as pg.ClientConfig);
    connection.on('error', () => undefined);
    try {
      await connection.connect();
      const { rows } = await connection.query<{ consistent_point: string; snapshot_name: string }>(
        `CREATE_REPLICATION_SLOT ${quoteIdent(slot)} LOGICAL pgoutput (SNAPSHOT 'export')`,
      );
      return new SnapshotSlot(connection, slot, rows[0]!.consistent_point, rows[0]!.snapshot_name);
    } catch (error) {
      await connection.end().catch(() => undefined);
      throw new CutoverError(
        'CUTOVER_REPLICATION_BROKEN',
        `Could not create the replication slot ${slot} on ${dataNodeLabel(node)}: ${(error as Error).message}. ` +
          `Check that the server runs, allows replication connections for the admin login and has a free slot (max_replication_slots).`,
        { cause: error },
      );
    }
  }

  /** Ends the replication connection: the snapshot is gone, the slot stays. */
  async close(): Promise<void> {
    await this.connection.end().catch(() => undefined);
  }
}
