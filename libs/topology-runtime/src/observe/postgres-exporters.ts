import { join } from 'node:path';
import { allPhysicalNodes, endpointKey, libpqTlsKeywords, pgClientConfig } from '@neo/topology';
import getPort from 'get-port';
import pg from 'pg';
import type { RunningTopology } from '../topology-runtime.types.js';
import { OBSERVE_BINARIES } from './observe-binaries.js';
import { spawnObserved, type ObservedProcess } from './observed-process.js';

/**
 * One prometheus-postgres-exporter per server, with the project's extra queries (replica lag,
 * cutover phase). It logs in as the cluster's superuser; the connection string reaches it through
 * its environment only. The monolith's exporter connects to the monolith database, where the
 * cutover state lives; the others to `postgres`. `pg_stat_statements` is created in `postgres` on
 * each primary (replicas receive it by replication), where `neo-db top` reads it.
 */
export async function startPostgresExporters(
  running: RunningTopology,
  options: { workDir: string; queriesFile: string },
): Promise<Map<string, ObservedProcess>> {
  const exporters = new Map<string, ObservedProcess>();
  try {
    for (const node of allPhysicalNodes(running.topology)) {
      const key = endpointKey(node.cluster, node.node);
      const endpoint = running.endpoints[key];
      const admin = running.admin[node.cluster];
      if (!endpoint || !admin) continue;
      const database = node.cluster === running.topology.monolith.cluster ? running.topology.monolith.database : 'postgres';
      if (node.role === 'primary') await createStatementStatistics(pgClientConfig({ ...endpoint, ...admin, database: 'postgres' }));
      const port = await getPort();
      const address = `127.0.0.1:${port}`;
      // lib/pq (the exporter's driver) reads the libpq URL keywords: verify-full and the CA for a TLS cluster.
      const query = new URLSearchParams(admin.tls ? libpqTlsKeywords(admin.tls) : [['sslmode', 'disable']]);
      const dsn = `postgresql://${encodeURIComponent(admin.user)}${admin.password ? `:${encodeURIComponent(admin.password)}` : ''}@${endpoint.host}:${endpoint.port}/${database}?${query.toString()}`;
      exporters.set(
        key,
        await spawnObserved({
          name: `postgres_exporter ${key}`,
          command: OBSERVE_BINARIES.postgresExporter,
          args: [
            `--web.listen-address=${address}`,
            `--extend.query-path=${options.queriesFile}`,
            '--disable-settings-metrics',
            '--log.level=warn',
          ],
          env: { DATA_SOURCE_NAME: dsn },
          address,
          readyPath: '/',
          logFile: join(options.workDir, `postgres-exporter-${node.cluster}-${node.node}.log`),
        }),
      );
    }
    return exporters;
  } catch (error) {
    await Promise.allSettled([...exporters.values()].map((exporter) => exporter.stop()));
    throw error;
  }
}

async function createStatementStatistics(login: pg.ClientConfig): Promise<void> {
  const client = new pg.Client(login);
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  } finally {
    await client.end();
  }
}
