import { TopologyRuntimeError } from '../errors.js';
import type { ProviderRun } from '../provider-run.js';
import { connect, provisionCluster, type ProvisionTarget } from '../provisioning/provision-cluster.js';
import type { ClusterPlan } from '../topology-plan.js';
import { endpointKey, type Endpoints, type StartTopologyOptions } from '../topology-runtime.types.js';
import { provisionAudit } from '../provisioning/provision-audit.js';
import { provisionRoles } from '../provisioning/provision-roles.js';
import { assertCanProvisionRoles, declaresRoles, externalRolesPlan, readServerFacts } from './external-roles.js';
import { envName, readExternalServers, type ServerUrl } from './external-urls.js';
import { discardLogLine } from '../log-line.js';

const PREFIX_PATTERN = /^[a-z_][a-z0-9_]*$/;
const MAX_IDENTIFIER_LENGTH = 63;

/**
 * Servers this run did not start, given by URL. Connects with each URL's
 * credentials (which replace the topology's for that cluster), creates the
 * databases and monolith schemas that are missing, optionally under a name
 * prefix, and on stop drops what it created when `dropOnStop` is set. When the
 * topology declares roles it also makes them and their grants (`provisionRoles`,
 * which needs a superuser login) and, where the server loads pgaudit, the
 * per-database audit settings.
 */
export async function startExternalTopology(plans: ClusterPlan[], options: StartTopologyOptions): Promise<ProviderRun> {
  const env = options.env ?? process.env;
  const log = options.log ?? discardLogLine;
  const prefix = options.databasePrefix ?? env['NEO_PG_DATABASE_PREFIX'] ?? '';
  if (prefix && !PREFIX_PATTERN.test(prefix)) {
    throw new TopologyRuntimeError(
      'RUNTIME_BAD_OPTION',
      `The database prefix "${prefix}" is not usable: use lower-case letters, digits and "_", starting with a letter or "_".`,
    );
  }
  const servers = readExternalServers(plans, env);
  const databaseNames: Record<string, string> = {};
  const renamedPlans = plans.map((plan) => ({
    ...plan,
    databases: plan.databases.map((database) => {
      const name = `${prefix}${database.name}`;
      if (name.length > MAX_IDENTIFIER_LENGTH) {
        throw new TopologyRuntimeError(
          'RUNTIME_BAD_OPTION',
          `The database name "${name}" is longer than PostgreSQL's 63 characters; use a shorter prefix.`,
        );
      }
      databaseNames[database.name] = name;
      return { ...database, name };
    }),
  }));

  const endpoints: Endpoints = {};
  const credentials: Record<string, { user: string; password?: string }> = {};
  const admin: Record<string, { user: string; password?: string }> = {};
  const withoutReplicas: string[] = [];
  const created: { target: ProvisionTarget; database: string }[] = [];
  let rolesMade = false;

  // One at a time: clusters often share one server, and CREATE DATABASE copies template1.
  for (const plan of renamedPlans) {
    const clusterServers = servers[plan.name];
    if (!clusterServers) continue; // readExternalServers has one entry per plan
    const { primary, replicas } = clusterServers;
    const user = primary.user ?? plan.cluster.credentials.user;
    const password = primary.user ? primary.password : plan.cluster.credentials.password;
    const target: ProvisionTarget = { host: primary.host, port: primary.port, user, password, adminDatabase: primary.database };
    endpoints[endpointKey(plan.name, plan.cluster.primary.name)] = { host: primary.host, port: primary.port };
    credentials[plan.name] = { user, ...(password === undefined ? {} : { password }) };
    admin[plan.name] = { user, ...(password === undefined ? {} : { password }) };
    for (const [name, server] of Object.entries(replicas)) endpoints[endpointKey(plan.name, name)] = endpointOf(server);
    const missing = plan.cluster.replicas.filter((replica) => !replicas[replica.name]).map((replica) => replica.name);
    if (missing.length > 0) {
      withoutReplicas.push(plan.name);
      log(`cluster ${plan.name}: no URL for replica(s) ${missing.join(', ')}; it runs without them`);
    }
    const variable = env[`NEO_PG_URL_${envName(plan.name)}`] ? `NEO_PG_URL_${envName(plan.name)}` : 'NEO_PG_URL';
    const withRoles = declaresRoles(plan);
    let facts: Awaited<ReturnType<typeof readServerFacts>> | undefined;
    try {
      if (withRoles) {
        facts = await readServerFacts(target, plan);
        assertCanProvisionRoles(plan, target, facts, variable);
      }
      const result = await provisionCluster(target, plan, { manageRole: false, log });
      created.push(...result.createdDatabases.map((database) => ({ target, database })));
      if (facts) {
        const rolesPlan = externalRolesPlan(plan, databaseNames, facts.clusterRoleExists ? plan.cluster.credentials.user : user);
        await provisionRoles(target, rolesPlan, log);
        rolesMade = true;
        if (rolesPlan.audit && facts.pgaudit) await provisionAudit(target, rolesPlan, rolesPlan.audit);
        if (plan.audit) log(`cluster ${plan.name}: audit ${facts.pgaudit ? 'settings made' : 'not set, the server does not load pgaudit'}`);
      }
    } catch (cause) {
      await dropDatabases(created).catch(() => undefined);
      if (cause instanceof TopologyRuntimeError) throw cause;
      const unreachable = connectionProblem(cause);
      if (unreachable) {
        throw new TopologyRuntimeError(
          'RUNTIME_COMMAND_FAILED',
          `Cluster "${plan.name}": ${unreachable} ${primary.host}:${primary.port} as ${user}; check ${variable} and that the server runs.`,
          { cause },
        );
      }
      throw new TopologyRuntimeError(
        'RUNTIME_COMMAND_FAILED',
        `Preparing cluster "${plan.name}" on ${primary.host}:${primary.port} as ${user} failed: ${(cause as Error).message}. ` +
          (withRoles
            ? `The login needs to be a superuser to create the roles, or give a superuser's URL in ${variable}.`
            : 'The role needs CREATEDB to create missing databases, or create them beforehand.'),
        { cause },
      );
    }
    log(`cluster ${plan.name}: external server ${primary.host}:${primary.port} (${plan.databases.length} database(s))`);
  }

  let stopping: Promise<void> | undefined;
  const notOurs = (): never => {
    throw new TopologyRuntimeError(
      'RUNTIME_PROVIDER_UNAVAILABLE',
      'External servers were not started by this run, so it cannot stop or start them.',
    );
  };
  return {
    endpoints,
    admin,
    databaseNames,
    credentials,
    rolesMade,
    withoutReplicas,
    stopNode: async () => notOurs(),
    startNode: async () => notOurs(),
    stop() {
      stopping ??= options.dropOnStop ? dropDatabases(created) : Promise.resolve();
      return stopping;
    },
  };
}

function endpointOf(server: ServerUrl): { host: string; port: number } {
  return { host: server.host, port: server.port };
}

async function dropDatabases(created: { target: ProvisionTarget; database: string }[]): Promise<void> {
  for (const { target, database } of created) {
    const client = await connect(target, target.adminDatabase ?? 'postgres');
    try {
      await client.query(`drop database if exists ${client.escapeIdentifier(database)} with (force)`);
    } finally {
      await client.end();
    }
  }
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

/** What went wrong when the server could not be reached or refused the login, else undefined. */
function connectionProblem(cause: unknown): string | undefined {
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return `cannot reach (${code})`;
  if (code === '28P01' || code === '28000') return 'the server refused the login at';
  if (/timeout/i.test((cause as Error).message ?? '')) return 'no answer (timeout) from';
  return undefined;
}
