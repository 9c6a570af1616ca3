import pg from 'pg';

/** One row of the seed's "connection pool efficiency" query. */
export interface DatabaseBackends {
  datname: string;
  numbackends: number;
  size: string;
}

/** One row of the seed's "query performance by database" query. */
export interface StatementTiming {
  datname: string;
  mean_exec_time: number;
  calls: number;
  total_exec_time: number;
  query: string;
}

export interface KeyMetrics {
  databases: DatabaseBackends[];
  /** Slowest statements by mean time first; empty when the server does not load pg_stat_statements. */
  statements: StatementTiming[];
  /** Why `statements` is empty, when it is for a reason other than no statements ran yet. */
  statementsUnavailable?: string;
}

/** The seed's key-metrics SQL (§7), as written; only the LIMIT and the statement text are added. */
export const KEY_METRICS_SQL = {
  databases: `SELECT datname, numbackends,
       pg_size_pretty(pg_database_size(datname)) as size
FROM pg_stat_database
WHERE datname NOT IN ('template0', 'template1', 'postgres')`,
  statements: `SELECT datname,
       mean_exec_time,
       calls,
       total_exec_time,
       query
FROM pg_stat_statements
JOIN pg_database ON dbid = oid
ORDER BY mean_exec_time DESC
LIMIT $1`,
} as const;

/**
 * Runs the seed's key-metrics queries on one server, connected as a superuser to its `postgres`
 * database. On a primary it creates the `pg_stat_statements` extension there first (replicas
 * receive it by replication); the library itself must be in `shared_preload_libraries`.
 */
export async function readKeyMetrics(login: pg.ClientConfig, options: { limit: number; primary: boolean }): Promise<KeyMetrics> {
  const client = new pg.Client({ ...login, database: 'postgres', application_name: 'neo-db top' });
  await client.connect();
  try {
    const databases = (await client.query<DatabaseBackends>(KEY_METRICS_SQL.databases)).rows
      .filter((row) => row.datname !== null)
      .sort((a, b) => a.datname.localeCompare(b.datname));
    const preload = (await client.query<{ preload: string }>("SELECT current_setting('shared_preload_libraries') AS preload")).rows[0]!
      .preload;
    if (
      !preload
        .split(',')
        .map((name) => name.trim())
        .includes('pg_stat_statements')
    ) {
      return { databases, statements: [], statementsUnavailable: 'pg_stat_statements is not in shared_preload_libraries on this server' };
    }
    if (options.primary) await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const installed = (await client.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")).rowCount;
    if (!installed)
      return {
        databases,
        statements: [],
        statementsUnavailable: 'the pg_stat_statements extension is not created yet (it is, on the primary)',
      };
    const statements = (await client.query<StatementTiming>(KEY_METRICS_SQL.statements, [options.limit])).rows.map((row) => ({
      ...row,
      calls: Number(row.calls),
    }));
    return { databases, statements };
  } finally {
    await client.end();
  }
}
