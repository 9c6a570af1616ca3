import { TopologyRuntimeError } from '../errors.js';
import { connect, type ProvisionTarget } from '../provisioning/provision-cluster.js';
import type { ClusterPlan } from '../topology-plan.js';

/** What the login of an external server is and what the server offers, read before anything is created. */
export interface ExternalServerFacts {
  superuser: boolean;
  /**
   * pgaudit is installed and loaded (shared_preload_libraries), so per-database audit settings can be
   * made. Read through pg_settings, which shows a login without pg_read_all_settings no value instead of failing.
   */
  pgaudit: boolean;
  /** The topology's cluster role exists on the server (a platform made it, e.g. CloudNativePG's database owner). */
  clusterRoleExists: boolean;
}

export async function readServerFacts(target: ProvisionTarget, plan: ClusterPlan): Promise<ExternalServerFacts> {
  const admin = await connect(target, target.adminDatabase ?? 'postgres');
  try {
    const { rows } = await admin.query<{ superuser: boolean; pgaudit: boolean; cluster_role: boolean }>(
      `select (select rolsuper from pg_roles where rolname = current_user) as superuser,
              exists (select 1 from pg_available_extensions where name = 'pgaudit')
                and 'pgaudit' = any (string_to_array(replace(
                  (select setting from pg_settings where name = 'shared_preload_libraries'), ' ', ''), ',')) as pgaudit,
              exists (select 1 from pg_roles where rolname = $1) as cluster_role`,
      [plan.cluster.credentials.user],
    );
    const row = rows[0]!;
    return { superuser: row.superuser, pgaudit: row.pgaudit, clusterRoleExists: row.cluster_role };
  } finally {
    await admin.end();
  }
}

/** The topology declares roles this cluster must hold: service roles or a replication role. */
export function declaresRoles(plan: ClusterPlan): boolean {
  return plan.roles.services.length > 0 || plan.roles.replication !== undefined;
}

/**
 * Creating the services' roles, handing them their databases and schemas and setting audit take a
 * superuser (CREATEROLE alone cannot give a database to another role): say so before anything is made.
 */
export function assertCanProvisionRoles(plan: ClusterPlan, target: ProvisionTarget, facts: ExternalServerFacts, variable: string): void {
  if (facts.superuser) return;
  throw new TopologyRuntimeError(
    'RUNTIME_LOGIN_NOT_PRIVILEGED',
    `Cluster "${plan.name}" declares roles, but the login "${target.user}" on ${target.host}:${target.port} is not a superuser, ` +
      'which creating the roles and handing them their databases and schemas needs: ' +
      `grant it (ALTER ROLE ${quoteForMessage(target.user)} SUPERUSER) or give a superuser's URL in ${variable} for provisioning.`,
  );
}

function quoteForMessage(role: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(role) ? role : `"${role.replaceAll('"', '""')}"`;
}

/**
 * The plan with the prefixed database names in its roles and audit parts too, and with the role
 * that keeps CONNECT on every database: the topology's cluster role where the server has it,
 * otherwise the login (whose URL replaces the topology's credentials).
 */
export function externalRolesPlan(plan: ClusterPlan, names: Record<string, string>, clusterRole: string): ClusterPlan {
  const renamed = (database: string): string => names[database] ?? database;
  return {
    ...plan,
    cluster: { ...plan.cluster, credentials: { ...plan.cluster.credentials, user: clusterRole } },
    roles: {
      ...plan.roles,
      services: plan.roles.services.map((access) => ({
        ...access,
        databases: access.databases.map(renamed),
        ...(access.monolith ? { monolith: { ...access.monolith, database: renamed(access.monolith.database) } } : {}),
      })),
    },
    ...(plan.audit
      ? {
          audit: {
            ...plan.audit,
            writeDatabases: plan.audit.writeDatabases.map(renamed),
            writeRoles: plan.audit.writeRoles.map((entry) => ({ ...entry, database: renamed(entry.database) })),
          },
        }
      : {}),
  };
}
