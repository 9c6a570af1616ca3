import { pgClientConfig, type TlsSettings } from '@neo/topology';
import pg from 'pg';
import type { ClusterPlan } from '../topology-plan.js';
import { passwordClause } from './scram-verifier.js';

export interface ProvisionTarget {
  host: string;
  port: number;
  /** A role allowed to create roles and databases (the superuser for embedded servers). */
  user: string;
  password?: string | undefined;
  /** Database for administrative connections; `postgres` when absent. */
  adminDatabase?: string;
  /** TLS with verification (the server accepts nothing else). */
  tls?: TlsSettings | undefined;
}

export interface ProvisionOptions {
  /** Create or update the cluster's role from its credentials (LOGIN, REPLICATION, CREATEDB). */
  manageRole: boolean;
  /** Owner of the databases and schemas; the connecting role when absent. */
  owner?: string;
  log?: (line: string) => void;
}

export interface ProvisionResult {
  /** Databases that did not exist before. */
  createdDatabases: string[];
}

/**
 * Creates what the plan puts on a cluster: its role, its databases and the
 * monolith's schemas. Safe to run again: only what is missing is created, and
 * the role's password follows the topology.
 */
export async function provisionCluster(target: ProvisionTarget, plan: ClusterPlan, options: ProvisionOptions): Promise<ProvisionResult> {
  const admin = await connect(target, target.adminDatabase ?? 'postgres');
  const createdDatabases: string[] = [];
  try {
    if (options.manageRole) await upsertRole(admin, plan);
    const owner = options.owner;
    const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where datname = any($1)', [
      plan.databases.map((database) => database.name),
    ]);
    const existing = new Set(rows.map((row) => row.datname));
    for (const database of plan.databases) {
      if (existing.has(database.name)) continue;
      const ownerClause = owner ? ` owner ${admin.escapeIdentifier(owner)}` : '';
      await admin.query(`create database ${admin.escapeIdentifier(database.name)}${ownerClause}`);
      createdDatabases.push(database.name);
      options.log?.(`created database ${database.name} on cluster ${plan.name}`);
    }
  } finally {
    await admin.end();
  }
  for (const database of plan.databases.filter((candidate) => candidate.schemas.length > 0)) {
    const client = await connect(target, database.name);
    try {
      for (const schema of database.schemas) {
        const authorization = options.owner ? ` authorization ${client.escapeIdentifier(options.owner)}` : '';
        await client.query(`create schema if not exists ${client.escapeIdentifier(schema)}${authorization}`);
      }
    } finally {
      await client.end();
    }
  }
  return { createdDatabases };
}

async function upsertRole(admin: pg.Client, plan: ClusterPlan): Promise<void> {
  const { user, password } = plan.cluster.credentials;
  const role = admin.escapeIdentifier(user);
  const { rows } = await admin.query<{ rolpassword: string | null }>('select rolpassword from pg_authid where rolname = $1', [user]);
  const verb = rows.length > 0 ? 'alter' : 'create';
  await admin.query(
    `${verb} role ${role} with login replication createdb ${passwordClause((text) => admin.escapeLiteral(text), password, rows[0]?.rolpassword)}`,
  );
}

export async function connect(target: ProvisionTarget, database: string): Promise<pg.Client> {
  const client = new pg.Client({ ...pgClientConfig({ ...target, database }), connectionTimeoutMillis: 10_000 });
  await client.connect();
  return client;
}
