import type { Topology } from '@neo/topology';
import { TopologyRuntimeError } from '../errors.js';
import { planClusters, type ClusterPlan } from '../topology-plan.js';
import { provisionCluster, type ProvisionTarget, type ProvisionResult } from './provision-cluster.js';
import { provisionRoles } from './provision-roles.js';

/**
 * The part of a cluster's plan that concerns only some of its shard databases (those a rollover
 * adds): the databases, and the roles of the services that own them, with grants on those
 * databases only. `now` picks the shard layout, as everywhere else.
 */
export function planShardDatabases(topology: Topology, cluster: string, databases: readonly string[], now: Date): ClusterPlan {
  const plan = planClusters(topology, [cluster], now)[0]!;
  const wanted = new Set(databases);
  const missing = databases.filter((name) => !plan.databases.some((database) => database.name === name));
  if (missing.length > 0) {
    throw new TopologyRuntimeError(
      'RUNTIME_UNKNOWN_CLUSTER',
      `Database(s) ${missing.join(', ')} are not in the layout of cluster "${cluster}" at ${now.toISOString()}; check the shard's cluster in the topology.`,
    );
  }
  return {
    ...plan,
    databases: plan.databases.filter((database) => wanted.has(database.name)),
    roles: {
      ...plan.roles,
      services: plan.roles.services.flatMap((access) => {
        const own = access.databases.filter((database) => wanted.has(database));
        if (own.length === 0) return [];
        // The monolith schema is not touched: only these databases' grants are made.
        const onTheseDatabases = { ...access, databases: own };
        delete onTheseDatabases.monolith;
        return [onTheseDatabases];
      }),
    },
  };
}

/**
 * Creates the databases of `plan` that are missing, owned by the service's owner role, with
 * CONNECT revoked from PUBLIC and granted to the service's roles (and the cluster's and
 * replication roles), and the app and read-only grants on their public schema, exactly as for
 * declared shards at start. Safe to run again. Run as a superuser.
 */
export async function provisionShardDatabases(
  target: ProvisionTarget,
  plan: ClusterPlan,
  log?: (line: string) => void,
): Promise<ProvisionResult> {
  const result = await provisionCluster(target, plan, { manageRole: false, owner: plan.cluster.credentials.user, ...(log ? { log } : {}) });
  await provisionRoles(target, plan, log);
  // A new database changes owner during the first pass, which drops the grants its old owner made:
  // a second pass makes them again, so a first run leaves what every later run leaves.
  if (result.createdDatabases.length > 0) await provisionRoles(target, plan);
  return result;
}
