import type { Topology } from '@neo/data';
import type { AdminLogin } from '@neo/data/cutover';
import { pgClientConfig, serviceShards } from '@neo/topology';
import pg from 'pg';

export type SideName = 'monolith' | 'service';

export interface SideRowsQuery {
  topology: Topology;
  admin: (cluster: string) => AdminLogin;
  service: string;
  /** The table: in the service's monolith schema, and in `public` on its own databases (every shard). */
  table: string;
  side: SideName;
  /** The uuid ids to count. */
  ids: readonly string[];
}

/** How many rows of each id the side holds (ids it does not hold are absent from the map). */
export async function countIdsOnSide(query: SideRowsQuery): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { cluster, database, table } of sideTables(query)) {
    const primary = query.topology.clusters[cluster]!.primary;
    const admin = query.admin(cluster);
    const client = new pg.Client(
      pgClientConfig({ host: primary.host!, port: primary.port!, ...admin, database, tls: query.topology.clusters[cluster]!.tls }),
    );
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string; n: string }>(
        `SELECT id::text, count(*) AS n FROM ${table} WHERE id = ANY($1::uuid[]) GROUP BY id`,
        [query.ids],
      );
      for (const row of rows) counts.set(row.id, (counts.get(row.id) ?? 0) + Number(row.n));
    } finally {
      await client.end();
    }
  }
  return counts;
}

/** The ids missing from the side, and those it holds more than once. */
export async function missingAndDoubled(query: SideRowsQuery): Promise<{ missing: string[]; doubled: string[] }> {
  const counts = await countIdsOnSide(query);
  return {
    missing: query.ids.filter((id) => !counts.has(id)),
    doubled: [...counts].filter(([, n]) => n > 1).map(([id]) => id),
  };
}

function sideTables({ topology, service, table, side }: SideRowsQuery): Array<{ cluster: string; database: string; table: string }> {
  const declared = topology.services[service]!;
  if (side === 'monolith') {
    return [
      { cluster: topology.monolith.cluster, database: topology.monolith.database, table: `${declared.monolithSchema ?? service}.${table}` },
    ];
  }
  const databases = declared.sharding
    ? serviceShards(declared).map((shard) => ({ cluster: shard.cluster ?? declared.cluster, database: shard.database }))
    : [{ cluster: declared.cluster, database: declared.database }];
  return databases.map((entry) => ({ ...entry, table: `public.${table}` }));
}
