import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadFlagsFile, type FeatureDefinition } from '@neo/data/flags';
import { startUnleashServer, type RunningTopology, type RunningUnleashServer } from '@neo/topology-runtime';
import getPort from 'get-port';
import type { WorkspacePaths } from './workspace-paths.js';

/** Fixed tokens of the local Unleash `neo-db up` starts: local development values, overridable from the environment. */
export const LOCAL_UNLEASH_DEFAULTS = {
  adminToken: '*:*.neo-local-development-admin',
  clientToken: 'default:development.neo-local-development-client',
  port: 4242,
  database: 'neo_unleash',
} as const;

export interface LocalUnleash {
  readonly server: RunningUnleashServer;
  /** Environment for the services and the cutover commands (`NEO_FLAGS=unleash`, URL, tokens). */
  readonly env: NodeJS.ProcessEnv;
  /** Flags created in this start (the others existed from a previous run and keep their values). */
  readonly created: readonly string[];
}

/**
 * Starts unleash-server for the local topology, its data in database `neo_unleash` on the
 * monolith cluster's primary (so flag values survive `neo-db up` restarts and `--wipe` clears
 * them with the rest), and creates every flag of the flags file that Unleash does not have yet,
 * with the file's values (every service on the monolith).
 */
export async function startLocalUnleash(
  running: RunningTopology,
  flagsFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LocalUnleash> {
  const clusterName = running.topology.monolith.cluster;
  const primary = running.topology.clusters[clusterName]?.primary;
  const admin = running.admin[clusterName];
  if (!primary?.host || !primary.port || !admin)
    throw new Error(`The monolith cluster ${clusterName} is not running: cannot keep Unleash's data there.`);
  const serverUrl = new URL(`postgresql://${primary.host}:${primary.port}/postgres`);
  serverUrl.username = admin.user;
  if (admin.password) serverUrl.password = admin.password;

  const adminToken = env['NEO_UNLEASH_ADMIN_TOKEN'] || LOCAL_UNLEASH_DEFAULTS.adminToken;
  const clientToken = env['NEO_UNLEASH_TOKEN'] || LOCAL_UNLEASH_DEFAULTS.clientToken;
  const wanted = Number(env['NEO_UNLEASH_PORT'] || LOCAL_UNLEASH_DEFAULTS.port);
  const port = await getPort({ port: wanted });
  const server = await startUnleashServer({
    databaseUrl: serverUrl.toString(),
    databaseTls: running.topology.clusters[clusterName]?.tls,
    databaseName: LOCAL_UNLEASH_DEFAULTS.database,
    port,
    adminToken,
    clientToken,
  });
  try {
    const created: string[] = [];
    for (const feature of await loadFlagsFile(flagsFile)) {
      if (await server.ensureFlag(feature.name)) {
        created.push(feature.name);
        await applyFileValue(server, feature);
      }
    }
    return {
      server,
      created,
      env: {
        NEO_FLAGS: 'unleash',
        NEO_UNLEASH_URL: server.url,
        NEO_UNLEASH_TOKEN: clientToken,
        NEO_UNLEASH_ADMIN_TOKEN: adminToken,
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Gives a new Unleash flag the value the file has: a rollout keeps its percentage, a switch its state. */
async function applyFileValue(server: RunningUnleashServer, feature: FeatureDefinition): Promise<void> {
  if (!feature.enabled) return;
  const rollout = feature.strategies.find((strategy) => strategy.name === 'flexibleRollout');
  if (rollout) await server.setRollout(feature.name, Number(rollout.parameters.rollout));
  else await server.enable(feature.name);
}

/** What `neo-db up --flags unleash` records for the cutover commands: where its Unleash listens (no token). */
export interface LocalUnleashRecord {
  url: string;
}

export function writeLocalUnleashRecord(paths: WorkspacePaths, record: LocalUnleashRecord): void {
  writeFileSync(paths.unleashRecordFile, JSON.stringify(record, null, 2) + '\n');
}

export function removeLocalUnleashRecord(paths: WorkspacePaths): void {
  rmSync(paths.unleashRecordFile, { force: true });
}

export function readLocalUnleashRecord(paths: WorkspacePaths): LocalUnleashRecord | undefined {
  if (!existsSync(paths.unleashRecordFile)) return undefined;
  return JSON.parse(readFileSync(paths.unleashRecordFile, 'utf8')) as LocalUnleashRecord;
}
