import { dataNodeLabel, monolithTarget } from '@neo/topology';
import { migrateFleet } from '../migrations/migrate-fleet.js';
import { ensureDatabase } from '../cutover/copy-service.js';
import { readCopyProgress } from '../cutover/copy-progress.js';
import { connectAdmin, enterStep, logOf, timeoutsOf, withAdmin } from '../cutover/cutover-context.js';
import { CutoverError } from '../cutover/cutover.error.js';
import { readPhase } from '../cutover/cutover-state.js';
import { ensurePublication } from '../cutover/publications.js';
import { ensureReplicaIdentityFull } from '../cutover/replica-identity.js';
import { checkServerLimits } from '../cutover/server-limits.js';
import { qualified } from '../cutover/sql-text.js';
import { subscriptionExists } from '../cutover/subscriptions.js';
import { startWithInitialCopy } from '../cutover/write-switch.js';
import { hasRows } from '../cutover/table-catalog.js';
import { ensureGuardInfrastructure, guardTable, initGuard, RESHARD_GUARD_TRIGGER, type LayoutGuardSide } from '../cutover/write-guard.js';
import { loadReshardPlan, readStateOf, recordPhase, reshardPhaseOf, type ReshardContext } from './reshard-context.js';
import { loggedStep } from '../cutover/step-events.js';
import type { LayoutShard, ReshardLink, ReshardPlan } from './reshard-plan.js';
import type { ReshardPhase } from './reshard-state.js';

export interface ReshardCopyResult {
  service: string;
  phase: ReshardPhase;
  /** False when the copy was already done (nothing changed). */
  started: boolean;
  /** Replication links made, current shard → next shard. */
  links: number;
}

/**
 * `reshard <service> copy`: makes the next layout's databases, migrates them, guards both
 * layouts' tables, and starts logical replication from each current shard to each next shard
 * that may share its keys, filtered by the next layout's predicates, with an initial copy; then
 * waits for the copy. Every step checks what exists first, so a rerun (also after a kill)
 * continues where the last one stopped; the copy goes on in the servers meanwhile.
 */
export function copyToNextLayout(context: ReshardContext, service: string): Promise<ReshardCopyResult> {
  return loggedStep(
    context,
    service,
    'reshard copy',
    () => copy(context, service),
    (result) => (result.started ? { links: result.links } : { outcome: 'nothing-to-do' }),
    reshardPhaseOf,
  );
}

async function copy(context: ReshardContext, service: string): Promise<ReshardCopyResult> {
  const log = logOf(context);
  const plan = await loadReshardPlan(context, service);
  const state = await readStateOf(context, service);
  if (state && state.phase !== 'copying' && state.phase !== 'finished') {
    log(`${service}: the next layout is already copied (phase ${state.phase}); nothing to do`);
    return { service, phase: state.phase, started: false, links: plan.forward.length };
  }
  await refuseUnlessWritesOnService(context, service);

  await enterStep(context, 'reshard:check-servers');
  await checkServerLimits(context, [...plan.forward, ...plan.reverse]);
  await recordPhase(context, service, 'copying');

  await enterStep(context, 'reshard:create-databases');
  for (const shard of plan.next) await ensureDatabase(context, shard.node);
  await enterStep(context, 'reshard:migrate');
  await migrateFleet({
    topology: context.topology,
    services: [service],
    monolith: false,
    log,
    ...(context.prismaRoot ? { prismaRoot: context.prismaRoot } : {}),
  });
  await enterStep(context, 'reshard:check-targets');
  for (const shard of plan.next) await refuseUnrelatedData(context, plan, shard);

  await enterStep(context, 'reshard:guards');
  const waitMs = timeoutsOf(context).guardWaitMs;
  for (const [shards, side] of [
    [plan.current, 'current-layout'],
    [plan.next, 'next-layout'],
  ] as const satisfies ReadonlyArray<readonly [LayoutShard[], LayoutGuardSide]>) {
    for (const shard of shards) {
      await withAdmin(context, shard.node, async (client) => {
        await ensureGuardInfrastructure(client);
        // Both layouts start with writes on the current one; a rerun keeps whatever a switch set since.
        await initGuard(client, plan.guardKey, 'current-layout', waitMs);
        for (const table of shard.tables) {
          await guardTable(client, 'public', table.table, plan.guardKey, side, RESHARD_GUARD_TRIGGER);
          // Row filters need their column in the replica identity for UPDATE and DELETE, both ways.
          if (table.role === 'sharded') await ensureReplicaIdentityFull(client, 'public', table.table);
        }
      });
    }
  }

  await enterStep(context, 'reshard:publications');
  for (const link of [...plan.forward, ...plan.reverse]) {
    await withAdmin(context, link.publisher, (client) =>
      ensurePublication(
        client,
        link.name,
        link.tables.map((table) => ({ schema: 'public', table: table.table, ...(table.filter ? { filter: table.filter } : {}) })),
        { viaRoot: true },
      ),
    );
  }

  await enterStep(context, 'reshard:subscriptions');
  for (const link of plan.forward) {
    const created = await startWithInitialCopy(context, link);
    if (created) log(`${service}: replicating ${dataNodeLabel(link.publisher)} → ${dataNodeLabel(link.subscriber)} (${link.name})`);
  }

  await enterStep(context, 'reshard:initial-copy');
  await waitForInitialCopy(context, service, plan.forward, timeoutsOf(context).copyMs);
  await recordPhase(context, service, 'replicating');
  log(`${service}: initial copy done; the next layout (${plan.next.length} shards) follows the current one (phase replicating)`);
  return { service, phase: 'replicating', started: true, links: plan.forward.length };
}

/**
 * A reshard moves rows between the service's own shards: they must be the side of record. So
 * the service either never ran on the monolith (no cutover, writes flag on the service) or
 * finished moving its writes out of it.
 */
async function refuseUnlessWritesOnService(context: ReshardContext, service: string): Promise<void> {
  const phase = await withAdmin(context, monolithTarget(context.topology, service), (client) => readPhase(client, service));
  if (phase === 'writes-on-service' || phase === ('finished' as string)) return;
  if (phase === undefined && (await context.flags.read(service)).writeSide === 'service') return;
  throw new CutoverError(
    'CUTOVER_WRONG_PHASE',
    `Refusing to reshard ${service}: its writes go to the monolith (${phase ? `cutover phase ${phase}` : 'the writes flag is off'}), so its shards are not the side of record. ` +
      `Move it out first (neo-db copy / switch-writes ${service}), or, while its shards are empty, declare the new layout as its shards directly.`,
  );
}

/** A next shard holding rows no subscription of this reshard brought is not ours to fill. */
async function refuseUnrelatedData(context: ReshardContext, plan: ReshardPlan, shard: LayoutShard): Promise<void> {
  const feeding = plan.forward.filter((link) => link.subscriber === shard.node);
  await withAdmin(context, shard.node, async (client) => {
    for (const link of feeding) if (await subscriptionExists(client, link.name)) return;
    const filled: string[] = [];
    for (const table of shard.tables) if (await hasRows(client, qualified('public', table.table))) filled.push(table.table);
    if (filled.length > 0) {
      throw new CutoverError(
        'CUTOVER_TARGET_NOT_EMPTY',
        `Refusing to copy ${plan.service} into ${dataNodeLabel(shard.node)}: its table(s) ${filled.join(', ')} already hold rows that did not come from this reshard. ` +
          `Empty them (if they are leftovers) or point sharding.next at an empty database, then rerun copy.`,
      );
    }
  });
}

async function waitForInitialCopy(
  context: ReshardContext,
  service: string,
  links: readonly ReshardLink[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const clients = await Promise.all(links.map((link) => connectAdmin(context, link.subscriber)));
  try {
    for (;;) {
      const tables = (await Promise.all(links.map((link, index) => readCopyProgress(clients[index]!, link.name)))).flat();
      const waiting = tables.filter((table) => table.state !== 'ready');
      if (tables.length > 0 && waiting.length === 0) return;
      if (Date.now() >= deadline) {
        throw new CutoverError(
          'CUTOVER_COPY_TIMEOUT',
          `The initial copy of ${service} to its next layout is not finished after ${timeoutMs} ms (${waiting.length} of ${tables.length} tables). It goes on in the servers: rerun copy to wait for it.`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await Promise.allSettled(clients.map((client) => client.end()));
  }
}
