import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { TopologyRuntimeError } from '../errors.js';
import { connect, type ProvisionTarget } from '../provisioning/provision-cluster.js';
import { withHostAndPort } from './conninfo.js';

/** A node of the cluster as a failover reaches it: its name and a superuser login. */
export interface FailoverNode {
  readonly name: string;
  readonly target: ProvisionTarget;
}

export interface FailoverOptions {
  readonly cluster: string;
  /** The node that is primary now (dead or alive). */
  readonly primary: FailoverNode;
  readonly replicas: readonly FailoverNode[];
  /** Promote this replica; default: the one that has received the most WAL. */
  readonly to?: string;
  /**
   * How far (WAL bytes) the chosen replica may be behind the most caught-up one, or behind the
   * fenced primary's last position. Default 0: never lose a write another node still has.
   */
  readonly maxLagBytes?: number;
  /** How long to wait for replicas to receive the fenced primary's last WAL. Default 10 s. */
  readonly catchUpTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface FailoverResult {
  readonly promoted: string;
  /** `read-only`: the old primary answered and was fenced; `unreachable`: it did not answer (stopped or dead). */
  readonly oldPrimary: 'read-only' | 'unreachable';
  /** Replicas now streaming from the promoted node. */
  readonly repointed: readonly string[];
  /** Replicas that could not be pointed there, and why. */
  readonly notRepointed: readonly { readonly name: string; readonly reason: string }[];
  /** Milliseconds per step. */
  readonly timings: { readonly fenceMs: number; readonly promoteMs: number; readonly repointMs: number };
}

interface ReplicaState {
  readonly node: FailoverNode;
  /** What it has received (or replayed, if more): promotion replays everything received. */
  readonly lsn: bigint;
  readonly conninfo: string;
  readonly slot: string;
}

/**
 * Promotes a replica of `cluster` to primary and points the other replicas at it:
 * 1. fences the old primary when it answers: `default_transaction_read_only = on` (ALTER SYSTEM
 *    and reload) and every client session terminated, so no write is acknowledged there any more
 *    while the server stays up to be inspected or rewound (clients that ask for a read-write
 *    transaction explicitly, or superusers, could still write: stop it to be certain); then waits
 *    for a replica to receive its last WAL position, so no acknowledged write is lost;
 * 2. chooses the replica with the most WAL received (or `to`), refusing when none answers or
 *    the choice would lose WAL another node has (beyond `maxLagBytes`);
 * 3. `pg_promote()` on it, waiting until it takes writes;
 * 4. on the others, `primary_conninfo` (same login, new host/port) and `primary_slot_name` by
 *    ALTER SYSTEM and reload, after creating their slot on the new primary; they follow the new
 *    timeline (`recovery_target_timeline = latest`, the default).
 * With the old primary unreachable and asynchronous replication, writes it acknowledged but had
 * not sent yet are lost: that is what replication lag means, and the log says so. A cluster with
 * `synchronousReplicas` acknowledges a commit only once a replica has it, so the most caught-up
 * replica has every acknowledged write; with fewer replicas left than it asks for, the promoted
 * node's requirement is lowered to what streams (else its commits would wait forever).
 */
export async function promoteReplica(options: FailoverOptions): Promise<FailoverResult> {
  const log = options.log ?? (() => undefined);
  const maxLagBytes = BigInt(options.maxLagBytes ?? 0);

  const fenceStarted = performance.now();
  const fencedAt = await fencePrimary(options.primary);
  log(
    fencedAt === undefined
      ? `${options.primary.name} does not answer: nothing to fence (writes it acknowledged and had not sent to a replica are lost)`
      : `${options.primary.name} fenced read-only at WAL ${formatLsn(fencedAt)}; its sessions were ended`,
  );
  const states = await replicaStates(options.replicas, fencedAt, options.catchUpTimeoutMs ?? 10_000);
  const fenceMs = performance.now() - fenceStarted;

  const chosen = choose(options, states, fencedAt, maxLagBytes);
  const promoteStarted = performance.now();
  await promote(chosen.node);
  const promoteMs = performance.now() - promoteStarted;
  log(`${chosen.node.name} promoted (it had received WAL up to ${formatLsn(chosen.lsn)}) in ${Math.round(promoteMs)} ms`);

  const repointStarted = performance.now();
  const repointed: string[] = [];
  const notRepointed: { name: string; reason: string }[] = [];
  for (const replica of options.replicas) {
    if (replica.name === chosen.node.name) continue;
    const state = states.get(replica.name);
    if (state === undefined || typeof state === 'string') {
      notRepointed.push({ name: replica.name, reason: state ?? 'does not answer' });
      continue;
    }
    try {
      await repoint(state, chosen.node);
      repointed.push(replica.name);
      log(`${replica.name} now streams from ${chosen.node.name}`);
    } catch (error) {
      notRepointed.push({ name: replica.name, reason: (error as Error).message });
    }
  }
  const repointMs = performance.now() - repointStarted;
  const relaxed = await fitSynchronousReplicas(chosen.node, repointed.length);
  if (relaxed !== undefined) {
    log(
      `${chosen.node.name} has only ${repointed.length} replica(s) left: synchronous_standby_names is now '${relaxed}' so commits do not wait ` +
        `for replicas that are not there (rejoin or add replicas, then restore it)`,
    );
  }
  return {
    promoted: chosen.node.name,
    oldPrimary: fencedAt === undefined ? 'unreachable' : 'read-only',
    repointed,
    notRepointed,
    timings: { fenceMs, promoteMs, repointMs },
  };
}

/** Makes the old primary refuse writes; its final WAL position, or undefined when it does not answer. */
async function fencePrimary(primary: FailoverNode): Promise<bigint | undefined> {
  const client = await connectOrUndefined(primary.target);
  if (!client) return undefined;
  try {
    await client.query('ALTER SYSTEM SET default_transaction_read_only = on');
    await client.query('SELECT pg_reload_conf()');
    // The reload reaches every backend asynchronously: wait until a new session starts read-only.
    const fenced = await until(async () => {
      const fresh = await connect(primary.target, 'postgres');
      try {
        const { rows } = await fresh.query<{ value: string }>("SELECT current_setting('default_transaction_read_only') AS value");
        return rows[0]?.value === 'on';
      } finally {
        await fresh.end();
      }
    }, 10_000);
    if (!fenced)
      refuse(`${primary.name} did not turn read-only after a reload; nothing was promoted. Stop it, then run the failover again.`);
    await stopSubscriptions(primary, client);
    // Sessions that began a read-write transaction before the reload could still commit: end them.
    await client.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'",
    );
    // The flush position covers every commit that was acknowledged (a commit returns once flushed);
    // WAL written after it (aborts of the ended sessions) may wait seconds for the WAL writer.
    const { rows } = await client.query<{ lsn: string }>('SELECT pg_current_wal_flush_lsn()::text AS lsn');
    return parseLsn(rows[0]!.lsn);
  } finally {
    await client.end();
  }
}

/**
 * Logical replication apply workers do not go through the executor's read-only check: on a primary
 * fenced with `default_transaction_read_only` they keep applying their publisher's changes, so
 * its WAL would grow past the position the replicas are measured against, and a replica that
 * received that WAL could not follow the promoted one. Every enabled subscription is disabled
 * (those commits come before the fenced position, so the promoted node has them disabled too,
 * and `neo-db resync` rebuilds the cutover's), and their workers are waited for.
 */
async function stopSubscriptions(primary: FailoverNode, client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ name: string; database: string }>(
    'SELECT s.subname AS name, d.datname AS database FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid WHERE s.subenabled',
  );
  for (const row of rows) {
    const database = await connect(primary.target, row.database);
    try {
      await database.query('SET default_transaction_read_only = off');
      // Its replicas may not confirm anything any more; the fenced position is waited for on them below.
      await database.query('SET synchronous_commit = local');
      await database.query(`ALTER SUBSCRIPTION "${row.name.replace(/"/g, '""')}" DISABLE`);
    } finally {
      await database.end();
    }
  }
  if (rows.length === 0) return;
  // A worker ends after the transaction it is applying; until then it may still write.
  const stopped = await until(
    async () =>
      (
        await client.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type IN ('logical replication worker', 'logical replication apply worker', 'logical replication tablesync worker')",
        )
      ).rows[0]!.n === 0,
    10_000,
  );
  if (!stopped)
    refuse(
      `${primary.name} still runs logical replication workers 10 s after its subscriptions were disabled; nothing was promoted. Stop it, then run the failover again.`,
    );
}

/** Each replica's received position (waiting, when the old primary was fenced, until one has all its WAL), or why it is unfit. */
async function replicaStates(
  replicas: readonly FailoverNode[],
  fencedAt: bigint | undefined,
  catchUpTimeoutMs: number,
): Promise<Map<string, ReplicaState | string>> {
  const deadline = performance.now() + catchUpTimeoutMs;
  for (;;) {
    const states = new Map<string, ReplicaState | string>();
    await Promise.all(replicas.map(async (replica) => states.set(replica.name, await replicaState(replica))));
    const best = [...states.values()].reduce<bigint>((max, state) => (typeof state === 'string' || state.lsn < max ? max : state.lsn), -1n);
    if (fencedAt === undefined || best >= fencedAt || performance.now() > deadline) return states;
    await sleep(50);
  }
}

async function replicaState(node: FailoverNode): Promise<ReplicaState | string> {
  const client = await connectOrUndefined(node.target);
  if (!client) return 'does not answer';
  try {
    const { rows } = await client.query<{
      in_recovery: boolean;
      received: string | null;
      replayed: string | null;
      conninfo: string;
      slot: string;
    }>(
      `SELECT pg_is_in_recovery() AS in_recovery, pg_last_wal_receive_lsn()::text AS received, pg_last_wal_replay_lsn()::text AS replayed,
              current_setting('primary_conninfo') AS conninfo, current_setting('primary_slot_name') AS slot`,
    );
    const row = rows[0]!;
    if (!row.in_recovery) return 'is not a replica (not in recovery)';
    const received = row.received === null ? 0n : parseLsn(row.received);
    const replayed = row.replayed === null ? 0n : parseLsn(row.replayed);
    return { node, lsn: received > replayed ? received : replayed, conninfo: row.conninfo, slot: row.slot };
  } finally {
    await client.end();
  }
}

function choose(
  options: FailoverOptions,
  states: Map<string, ReplicaState | string>,
  fencedAt: bigint | undefined,
  maxLagBytes: bigint,
): ReplicaState {
  const fit = [...states.values()].filter((state): state is ReplicaState => typeof state !== 'string');
  const why = [...states.entries()]
    .map(([name, state]) => `${name} ${typeof state === 'string' ? state : `at ${formatLsn(state.lsn)}`}`)
    .join('; ');
  if (fit.length === 0) refuse(`no replica of ${options.cluster} can be promoted: ${why}`);
  const best = fit.reduce((a, b) => (b.lsn > a.lsn ? b : a));
  let chosen = best;
  if (options.to !== undefined) {
    const named = states.get(options.to);
    if (named === undefined) refuse(`${options.to} is not a replica of ${options.cluster} (replicas: ${[...states.keys()].join(', ')})`);
    if (typeof named === 'string') refuse(`${options.to} cannot be promoted: it ${named}`);
    chosen = named;
    if (best.lsn - chosen.lsn > maxLagBytes) {
      refuse(
        `${options.to} is ${best.lsn - chosen.lsn} bytes of WAL behind ${best.node.name}: promoting it would lose writes ${best.node.name} has. ` +
          `Promote ${best.node.name}, or allow it with --max-lag-bytes.`,
      );
    }
  }
  if (fencedAt !== undefined && fencedAt - chosen.lsn > maxLagBytes) {
    refuse(
      `${chosen.node.name} has WAL up to ${formatLsn(chosen.lsn)} only, ${fencedAt - chosen.lsn} bytes behind the old primary's last position ` +
        `${formatLsn(fencedAt)}: promoting it would lose acknowledged writes. Check its replication (${why}), or allow it with --max-lag-bytes. ` +
        `The old primary stays read-only: ALTER SYSTEM RESET default_transaction_read_only and reload it to take writes again.`,
    );
  }
  return chosen;
}

async function promote(node: FailoverNode): Promise<void> {
  const client = await connect(node.target, 'postgres');
  try {
    const { rows } = await client.query<{ done: boolean }>('SELECT pg_promote(true, 60) AS done');
    if (!rows[0]?.done) refuse(`${node.name} did not finish its promotion within 60 s; look at its server log`);
    // Its standby settings would point at the old primary if it were ever made a replica again by hand.
    await client.query('ALTER SYSTEM RESET primary_conninfo');
    await client.query('ALTER SYSTEM RESET primary_slot_name');
    await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end();
  }
}

async function repoint(replica: ReplicaState, primary: FailoverNode): Promise<void> {
  const server = await connect(primary.target, 'postgres');
  try {
    if (replica.slot !== '') {
      await server.query(
        'SELECT pg_create_physical_replication_slot($1, true) WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)',
        [replica.slot],
      );
    }
  } finally {
    await server.end();
  }
  const conninfo = withHostAndPort(replica.conninfo, primary.target.host, primary.target.port);
  const client = await connect(replica.node.target, 'postgres');
  try {
    // ALTER SYSTEM takes no parameters: the values are quoted as literals.
    await client.query(`ALTER SYSTEM SET primary_conninfo = ${client.escapeLiteral(conninfo)}`);
    if (replica.slot !== '') await client.query(`ALTER SYSTEM SET primary_slot_name = ${client.escapeLiteral(replica.slot)}`);
    await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end();
  }
  if (replica.slot !== '') await waitForSlotActive(primary, replica.slot, replica.node.name);
}

/**
 * A promoted node keeps the cluster's `synchronous_standby_names` (`ANY n (*)`); with fewer than n
 * replicas left its commits would wait forever. Lowers n to what streams; the new setting, or
 * undefined when nothing changed.
 */
async function fitSynchronousReplicas(primary: FailoverNode, streaming: number): Promise<string | undefined> {
  const client = await connect(primary.target, 'postgres');
  try {
    const setting = (await client.query<{ s: string }>("SELECT current_setting('synchronous_standby_names') AS s")).rows[0]?.s ?? '';
    const required = /^\s*ANY\s+(\d+)\s*\(/i.exec(setting)?.[1];
    if (setting === '' || (required !== undefined && Number(required) <= streaming)) return undefined;
    const relaxed = streaming === 0 ? '' : `ANY ${streaming} (*)`;
    await client.query(`ALTER SYSTEM SET synchronous_standby_names = ${client.escapeLiteral(relaxed)}`);
    await client.query('SELECT pg_reload_conf()');
    return relaxed;
  } finally {
    await client.end();
  }
}

async function waitForSlotActive(primary: FailoverNode, slot: string, replica: string): Promise<void> {
  const client = await connect(primary.target, 'postgres');
  try {
    const streaming = await until(
      async () =>
        (await client.query<{ active: boolean }>('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [slot])).rows[0]
          ?.active === true,
      30_000,
    );
    if (!streaming) {
      throw new TopologyRuntimeError(
        'RUNTIME_REPLICA_NOT_STREAMING',
        `${replica} was pointed at ${primary.name} but does not stream from it after 30 s: it may have WAL the new primary never had. ` +
          `Rebuild it from ${primary.name} (a fresh clone), and look at its server log.`,
      );
    }
  } finally {
    await client.end();
  }
}

async function connectOrUndefined(target: ProvisionTarget): Promise<pg.Client | undefined> {
  try {
    return await connect({ ...target }, 'postgres');
  } catch {
    return undefined;
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (performance.now() > deadline) return false;
    await sleep(50);
  }
}

function refuse(message: string): never {
  throw new TopologyRuntimeError('RUNTIME_FAILOVER_REFUSED', message);
}

function parseLsn(text: string): bigint {
  const [high, low] = text.split('/');
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
