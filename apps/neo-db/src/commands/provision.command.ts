import { loadTopology, type Topology } from '@neo/data';
import { allLayoutShards } from '@neo/topology';
import { migrateFleet } from '@neo/data/migrations';
import { planClusterRoles, startTopology, TopologyRuntimeError } from '@neo/topology-runtime';
import { checkRolledOverShards } from '../maintain/roll-over-shards.js';
import { NeoDbError } from '../neo-db.error.js';
import type { WorkspacePaths } from '../workspace-paths.js';

export interface ProvisionCommandOptions {
  /** Also apply every service's migrations, as each service's owner role. */
  migrate: boolean;
  /** Where NEO_PG_URL* and the topology's `${VAR}` passwords are read from. */
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

/**
 * `neo-db provision [--migrate]`: makes on servers that already run (NEO_PG_URL_<CLUSTER> or
 * NEO_PG_URL, a superuser's login) what the topology puts there: databases, monolith schemas, the
 * services' and replication roles with their grants, CONNECT revoked from PUBLIC, and pgaudit
 * settings where the server loads pgaudit. Safe to run again. A deployment runs it once before
 * the services start (compose's neo-provision service, the Kubernetes Job).
 */
export async function provisionCommand(paths: WorkspacePaths, options: ProvisionCommandOptions): Promise<number> {
  const topology = loadTopology({ path: paths.topologyFile }, { env: options.env });
  const running = await startTopology(topology, { provider: 'external', env: options.env }).catch((error: unknown) => {
    throw oneLine(error);
  });
  try {
    for (const [name, cluster] of Object.entries(running.topology.clusters)) {
      const roles = planClusterRoles(topology, name);
      const services = roles.services.map((access) => access.service);
      options.log(
        `provision: cluster ${name} at ${cluster.primary.host}:${cluster.primary.port}: ` +
          `${databasesOn(running.topology, name)} database(s), ` +
          (services.length > 0 ? `roles of ${services.join(', ')}` : 'no service roles') +
          (roles.replication ? `, replication role ${roles.replication.user}` : ''),
      );
    }
    if (options.migrate) {
      const results = await migrateFleet({ topology: running.topology, prismaRoot: paths.prismaRoot }).catch((error: unknown) => {
        throw oneLine(error);
      });
      const applied = results.reduce((total, result) => total + result.applied.length, 0);
      options.log(`provision: ${applied} migration(s) applied over ${results.length} target(s)`);
      // Next year's shards within their rollover's aheadDays were provisioned and migrated with the rest: none may strand rows.
      await checkRolledOverShards(running, paths.prismaRoot, options.log).catch((error: unknown) => {
        throw oneLine(error);
      });
    }
  } finally {
    await running.stop();
  }
  return 0;
}

function databasesOn(topology: Topology, cluster: string): number {
  const names = new Set<string>();
  for (const service of Object.values(topology.services)) {
    if (service.cluster === cluster) names.add(service.database);
    for (const shard of allLayoutShards(service)) if ((shard.cluster ?? service.cluster) === cluster) names.add(shard.database);
  }
  if (topology.monolith.cluster === cluster) names.add(topology.monolith.database);
  return names.size;
}

/**
 * The failure as one line without its causes: a connection error would otherwise be explained as
 * "start the local topology", which a deployment has nothing to do with.
 */
function oneLine(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof TopologyRuntimeError ? '' : ' Check the servers given by NEO_PG_URL_<CLUSTER> / NEO_PG_URL.';
  return new NeoDbError(`neo-db provision: ${message.replaceAll('\n', ' ')}${hint}`, 'not-running');
}
