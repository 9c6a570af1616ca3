import type { ClusterPlan } from '../topology-plan.js';
import { pgauditLogValue, type ClusterAuditPlan } from './audit-plan.js';
import { connect, type ProvisionTarget } from './provision-cluster.js';

/**
 * The server settings that load pgaudit and set what every session logs. Statement parameters
 * stay out of the log (`log_parameter` off): a password or key sent as a parameter of a write
 * never reaches it. pgaudit itself writes `<REDACTED>` for the password of CREATE/ALTER ROLE.
 */
export function pgauditServerSettings(plan: ClusterAuditPlan): Record<string, string> {
  return {
    shared_preload_libraries: "'pg_stat_statements,pgaudit'",
    'pgaudit.log': `'${pgauditLogValue(plan.classes)}'`,
    'pgaudit.log_parameter': 'off',
    // One line per statement, with the statement text: which objects a statement touched is what an audit asks.
    'pgaudit.log_relation': 'off',
  };
}

/**
 * Per database and per role settings that add `write` to the server's classes where the topology
 * asks: `ALTER DATABASE … SET pgaudit.log` for a service's own databases, `ALTER ROLE … IN DATABASE
 * <monolith> SET pgaudit.log` for its roles inside the monolith. Settings this runtime made before
 * and the topology no longer asks for are reset. Run as a superuser on a server with pgaudit loaded.
 */
export async function provisionAudit(target: ProvisionTarget, plan: ClusterPlan, audit: ClusterAuditPlan): Promise<void> {
  const withWrites = `${pgauditLogValue([...audit.classes, 'write'])}`;
  const admin = await connect(target, target.adminDatabase ?? 'postgres');
  try {
    for (const database of plan.databases) {
      const name = admin.escapeIdentifier(database.name);
      await admin.query(
        audit.writeDatabases.includes(database.name)
          ? `alter database ${name} set pgaudit.log = ${admin.escapeLiteral(withWrites)}`
          : `alter database ${name} reset pgaudit.log`,
      );
    }
    const { rows } = await admin.query<{ role: string; database: string }>(
      `select r.rolname as role, d.datname as database
         from pg_db_role_setting s join pg_roles r on r.oid = s.setrole join pg_database d on d.oid = s.setdatabase
        where exists (select 1 from unnest(s.setconfig) setting where setting like 'pgaudit.log=%')`,
    );
    for (const stale of rows.filter(
      (row) => !audit.writeRoles.some((entry) => entry.role === row.role && entry.database === row.database),
    )) {
      await admin.query(
        `alter role ${admin.escapeIdentifier(stale.role)} in database ${admin.escapeIdentifier(stale.database)} reset pgaudit.log`,
      );
    }
    for (const { role, database } of audit.writeRoles) {
      await admin.query(
        `alter role ${admin.escapeIdentifier(role)} in database ${admin.escapeIdentifier(database)} set pgaudit.log = ${admin.escapeLiteral(withWrites)}`,
      );
    }
  } finally {
    await admin.end();
  }
}
