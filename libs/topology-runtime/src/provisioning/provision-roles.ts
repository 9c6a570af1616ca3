import type { Credentials } from '@neo/topology';
import type pg from 'pg';
import type { ClusterPlan } from '../topology-plan.js';
import { connect, type ProvisionTarget } from './provision-cluster.js';
import type { ServiceAccess } from './roles-plan.js';
import { passwordClause } from './scram-verifier.js';

/** Role attributes that no service or replication role ever needs. */
const NO_POWERS = 'nosuperuser nocreatedb nocreaterole nobypassrls';
const APP_TABLES = 'select, insert, update, delete';
const APP_SEQUENCES = 'usage, select, update';

/**
 * Least privilege on one cluster, from its plan (run as a superuser, after `provisionCluster`):
 * - CONNECT (and TEMP) revoked from PUBLIC on every database of the cluster;
 * - the replication role, the only one with REPLICATION when the topology declares it;
 * - per service: its owner role owns its databases and its monolith schema (DDL), its app role
 *   gets DML on them and nothing else, its read-only role SELECT.
 * Safe to run again: passwords follow the topology and objects made before are re-granted
 * (and handed to the owner role when an earlier run made them as another role).
 */
export async function provisionRoles(target: ProvisionTarget, plan: ClusterPlan, log?: (line: string) => void): Promise<void> {
  const { replication, services } = plan.roles;
  const clusterRole = plan.cluster.credentials.user;
  const admin = await connect(target, target.adminDatabase ?? 'postgres');
  try {
    if (replication) {
      await upsertLogin(admin, replication, `replication ${NO_POWERS}`);
      // A superuser (the login of an external server given no cluster role) keeps what it has.
      const { rowCount } = await admin.query('select 1 from pg_roles where rolname = $1 and not rolsuper', [clusterRole]);
      if (rowCount) await admin.query(`alter role ${admin.escapeIdentifier(clusterRole)} noreplication`);
    }
    for (const access of services) {
      for (const login of logins(access)) await upsertLogin(admin, login, `noreplication ${NO_POWERS}`);
    }
    for (const database of plan.databases) {
      const db = admin.escapeIdentifier(database.name);
      await admin.query(`revoke all on database ${db} from public`);
      await admin.query(`grant connect on database ${db} to ${admin.escapeIdentifier(clusterRole)}`);
      // Logical replication connects to a database; the role still reads no table unless granted.
      if (replication) await admin.query(`grant connect on database ${db} to ${admin.escapeIdentifier(replication.user)}`);
    }
    for (const access of services) {
      for (const database of access.databases) {
        await admin.query(`alter database ${admin.escapeIdentifier(database)} owner to ${admin.escapeIdentifier(access.owner.user)}`);
      }
      for (const database of [...access.databases, ...(access.monolith ? [access.monolith.database] : [])]) {
        await admin.query(`grant connect on database ${admin.escapeIdentifier(database)} to ${roleList(admin, logins(access))}`);
      }
    }
  } finally {
    await admin.end();
  }
  for (const access of services) {
    const places = [...access.databases.map((database) => ({ database, schema: 'public' })), ...(access.monolith ? [access.monolith] : [])];
    for (const place of places) {
      const client = await connect(target, place.database);
      try {
        await grantSchema(client, access, place.schema);
      } finally {
        await client.end();
      }
    }
  }
  if (services.length > 0 || replication) {
    log?.(
      `cluster ${plan.name}: roles of ${services.map((access) => access.service).join(', ') || 'no service'}` +
        (replication ? `, replication as ${replication.user}` : ''),
    );
  }
}

function logins(access: ServiceAccess): Credentials[] {
  return [access.owner, access.app, ...(access.readonly ? [access.readonly] : [])];
}

function roleList(client: pg.Client, roles: Credentials[]): string {
  return roles.map((role) => client.escapeIdentifier(role.user)).join(', ');
}

async function upsertLogin(admin: pg.Client, login: Credentials, attributes: string): Promise<void> {
  const role = admin.escapeIdentifier(login.user);
  const { rows } = await admin.query<{ rolpassword: string | null }>('select rolpassword from pg_authid where rolname = $1', [login.user]);
  // A role without a password cannot log in over TCP (SCRAM), which is what least privilege wants.
  const password = passwordClause((text) => admin.escapeLiteral(text), login.password, rows[0]?.rolpassword);
  await admin.query(`${rows.length > 0 ? 'alter' : 'create'} role ${role} with login ${attributes} ${password}`);
}

/** The owner role owns the schema and what is in it; app gets DML, read-only SELECT, now and for tables made later. */
async function grantSchema(client: pg.Client, access: ServiceAccess, schemaName: string): Promise<void> {
  const schema = client.escapeIdentifier(schemaName);
  const owner = client.escapeIdentifier(access.owner.user);
  const app = client.escapeIdentifier(access.app.user);
  const readonly = access.readonly ? client.escapeIdentifier(access.readonly.user) : undefined;
  // public belongs to pg_database_owner (the owner role, which now owns the database); a monolith schema is handed over.
  if (schemaName !== 'public') {
    await client.query(`alter schema ${schema} owner to ${owner}`);
    await client.query(`revoke all on schema ${schema} from public`);
  }
  await handOverObjects(client, schemaName, access.owner.user);
  await client.query(`grant usage on schema ${schema} to ${[app, ...(readonly ? [readonly] : [])].join(', ')}`);
  await client.query(`grant ${APP_TABLES} on all tables in schema ${schema} to ${app}`);
  await client.query(`grant ${APP_SEQUENCES} on all sequences in schema ${schema} to ${app}`);
  await client.query(`alter default privileges for role ${owner} in schema ${schema} grant ${APP_TABLES} on tables to ${app}`);
  await client.query(`alter default privileges for role ${owner} in schema ${schema} grant ${APP_SEQUENCES} on sequences to ${app}`);
  if (readonly) {
    await client.query(`grant select on all tables in schema ${schema} to ${readonly}`);
    await client.query(`grant select on all sequences in schema ${schema} to ${readonly}`);
    await client.query(`alter default privileges for role ${owner} in schema ${schema} grant select on tables to ${readonly}`);
  }
}

/**
 * Tables, views, free-standing sequences and types that an earlier run (or another role) made in
 * the schema become the owner role's, so its next migration can alter them. A sequence that
 * belongs to a column follows its table.
 */
async function handOverObjects(client: pg.Client, schema: string, owner: string): Promise<void> {
  const { rows } = await client.query<{ statement: string }>(
    `select format('alter %s %I.%I owner to %I',
              case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence'
                             when 'f' then 'foreign table' else 'table' end,
              n.nspname, c.relname, $2::text) as statement
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and c.relowner <> to_regrole($2)
        and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i', 'e'))
     union all
     select format('alter type %I.%I owner to %I', n.nspname, t.typname, $2::text)
       from pg_type t join pg_namespace n on n.oid = t.typnamespace
      where n.nspname = $1 and t.typtype in ('e', 'd') and t.typowner <> to_regrole($2)`,
    [schema, owner],
  );
  for (const { statement } of rows) await client.query(statement);
}
