import { join } from 'node:path';
import { allLayoutShards } from '@neo/topology';
import type { RunningTopology } from '@neo/topology-runtime';
import type { RunningService } from './service-process.js';
import type { WorkspacePaths } from './workspace-paths.js';

/** Tells the operator where every server listens, where its data lives and where each service answers. */
export function printSummary(
  running: RunningTopology,
  services: readonly RunningService[],
  paths: WorkspacePaths,
  log: (line: string) => void,
): void {
  const { topology } = running;
  log('');
  log(
    running.provider === 'testcontainers'
      ? 'topology (testcontainers), data inside the containers (removed with them when this stops)'
      : `topology (${running.provider}), data in ${running.dataDir ?? paths.localDataDir}`,
  );
  for (const [clusterName, cluster] of Object.entries(topology.clusters)) {
    const databases = Object.entries(topology.services)
      .flatMap(([, s]) => [
        ...(s.cluster === clusterName && !s.sharding ? [s.database] : []),
        ...allLayoutShards(s)
          .filter((shard) => (shard.cluster ?? s.cluster) === clusterName)
          .map((shard) => shard.database),
      ])
      .concat(topology.monolith.cluster === clusterName ? [topology.monolith.database] : []);
    log(`  ${clusterName} (${cluster.temperature}): ${databases.join(', ')}`);
    for (const node of [cluster.primary, ...cluster.replicas]) {
      const role = node === cluster.primary ? 'primary' : 'replica';
      // An embedded server keeps its log beside its data directory.
      const dataDir = running.provider === 'embedded' ? join(running.dataDir ?? paths.localDataDir, clusterName, node.name) : '';
      const where = dataDir ? `  data ${dataDir}, log ${dataDir}.log` : '';
      log(`    ${role.padEnd(7)} ${node.name.padEnd(22)} ${node.host}:${node.port}${where}`);
    }
    if (cluster.pgbouncer?.host !== undefined) {
      log(
        `    pgbouncer ${''.padEnd(20)} ${cluster.pgbouncer.host}:${cluster.pgbouncer.port}  (services connect here: <database> read-write, <database>_ro replicas)`,
      );
    }
  }
  if (services.length > 0) {
    log('services:');
    for (const s of services) log(`  ${s.service.app.padEnd(16)} ${s.url}  (health: ${s.url}/health)`);
    log('  their logs follow here, each line prefixed with [service]');
  }
  const tls = Object.entries(topology.clusters).filter(([, cluster]) => cluster.tls);
  if (tls.length > 0) {
    const ca = tls[0]![1].tls?.ca;
    log(
      `TLS only (verify-full) on ${tls.map(([name]) => name).join(', ')}${ca ? `; CA ${ca}` : ''}: ` +
        `psql "host=127.0.0.1 port=<port> dbname=<database> user=<user> sslmode=verify-full${ca ? ` sslrootcert=${ca}` : ''}"`,
    );
  }
  log(`endpoints for tools and services: ${paths.endpointsFile}`);
}
