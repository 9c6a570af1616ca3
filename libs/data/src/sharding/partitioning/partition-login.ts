import pg from 'pg';
import { toPgPoolConfig, type Credentials, type DataNode, type Topology } from '@neo/topology';
import type { SqlRunner } from './sql-runner.js';

/**
 * The login partition DDL runs as. Creating and dropping partitions is DDL, which a service's app
 * role may not run: with declared roles it is the service's owner role; without, the data
 * source's own login (undefined).
 */
export function partitionLogin(topology: Topology, service: string): Credentials | undefined {
  return topology.services[service]?.roles?.owner;
}

/** A data source's primaries reached as the partition login, on small pools of their own. */
export interface PartitionNodes {
  nodes: Array<{ node: DataNode; pool: SqlRunner }>;
  /** Ends the pools opened for the login (the data source's own pools are not touched). */
  close(): Promise<void>;
}

/**
 * The primaries of `nodes` as `login` (see `partitionLogin`), for `partitionPlaces`. Without a
 * login, the nodes as they are: the data source's own pools.
 */
export function partitionNodes(nodes: ReadonlyArray<{ node: DataNode; pool: SqlRunner }>, login: Credentials | undefined): PartitionNodes {
  if (!login) return { nodes: [...nodes], close: () => Promise.resolve() };
  const pools: pg.Pool[] = [];
  const asLogin = nodes
    .filter(({ node }) => node.role === 'primary')
    .map(({ node }) => {
      const asOwner: DataNode = { ...node, user: login.user };
      if (login.password === undefined) delete asOwner.password;
      else asOwner.password = login.password;
      const pool = new pg.Pool({ ...toPgPoolConfig(asOwner), max: 2, min: 0 });
      // An idle connection that breaks is replaced at the next use; it must not crash the process.
      pool.on('error', () => undefined);
      pools.push(pool);
      return { node: asOwner, pool };
    });
  return { nodes: asLogin, close: async () => void (await Promise.allSettled(pools.map((pool) => pool.end()))) };
}
