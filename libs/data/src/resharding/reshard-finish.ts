import { dataNodeLabel, monolithTarget } from '@neo/topology';
import { enterStep, logOf, withAdmin } from '../cutover/cutover-context.js';
import { CutoverError } from '../cutover/cutover.error.js';
import { readPhase } from '../cutover/cutover-state.js';
import { dropPublication } from '../cutover/publications.js';
import { quoteIdent } from '../cutover/sql-text.js';
import { dropChannel } from '../cutover/write-switch.js';
import { removeGuard, RESHARD_GUARD_TRIGGER, unguardTable } from '../cutover/write-guard.js';
import { loadReshardPlan, readStateOf, recordPhase, reshardPhaseOf, type ReshardContext } from './reshard-context.js';
import { loggedStep } from '../cutover/step-events.js';

export interface ReshardFinishOptions {
  /** Finish before `keepOldLayoutDays` have passed since writes moved. */
  force?: boolean;
}

export interface ReshardFinishResult {
  service: string;
  /** The current layout's databases dropped. */
  dropped: string[];
  alreadyFinished: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `reshard <service> finish`: once writes have rested on the next layout for
 * `sharding.next.keepOldLayoutDays` (or with `force`), ends the reshard: the reverse
 * replication, the publications and slots of both directions, the reshard's guard on the next
 * layout, and the old layout's databases. The phase turns `finished` first (from then on
 * rollback is refused), then every part is removed if it is still there, so an interrupted run
 * is completed by running it again. Afterwards the topology's `sharding.next` becomes
 * `sharding.shards` (the command says so).
 */
export function finishReshard(context: ReshardContext, service: string, options: ReshardFinishOptions = {}): Promise<ReshardFinishResult> {
  return loggedStep(
    context,
    service,
    'reshard finish',
    () => finish(context, service, options),
    (result) => ({
      forced: options.force ?? false,
      dropped: result.dropped,
      ...(result.alreadyFinished ? { outcome: 'nothing-to-do' as const } : {}),
    }),
    reshardPhaseOf,
  );
}

async function finish(context: ReshardContext, service: string, options: ReshardFinishOptions): Promise<ReshardFinishResult> {
  const log = logOf(context);
  const plan = await loadReshardPlan(context, service);
  const state = await readStateOf(context, service);
  if (state?.phase !== 'writes-on-next' && state?.phase !== 'finished') {
    throw new CutoverError(
      'CUTOVER_WRONG_PHASE',
      `Refusing to finish the reshard of ${service}: its writes are not on the next layout (phase ${state?.phase ?? 'none'}). Run: neo-db reshard ${service} switch-writes`,
    );
  }
  if (state.phase === 'writes-on-next') {
    const keptMs = state.writesMovedMsAgo ?? 0;
    const keepMs = plan.keepOldLayoutDays * DAY_MS;
    if (keptMs < keepMs && !options.force) {
      const days = ((keepMs - keptMs) / DAY_MS).toFixed(1);
      throw new CutoverError(
        'CUTOVER_WRONG_PHASE',
        `Refusing to finish the reshard of ${service}: the old layout is kept ${plan.keepOldLayoutDays} day(s) after writes moved (sharding.next.keepOldLayoutDays), ${days} day(s) are left. ` +
          `Until then rollback stays possible. --force finishes now.`,
      );
    }
    // The monolith's reverse replication reads the old shards; dropping them would cut it.
    const cutover = await withAdmin(context, monolithTarget(context.topology, service), (client) => readPhase(client, service));
    if (cutover !== undefined && cutover !== ('finished' as string)) {
      throw new CutoverError(
        'CUTOVER_WRONG_PHASE',
        `Refusing to drop the old layout of ${service}: the monolith still follows its shards (cutover phase ${cutover}). Finish the move out of the monolith first (neo-db finish ${service}).`,
      );
    }
    await recordPhase(context, service, 'finished');
  }

  await enterStep(context, 'finish:replication');
  for (const link of plan.reverse) await dropChannel(context, link).catch(ignoreMissingDatabase);
  for (const link of [...plan.forward, ...plan.reverse]) {
    await withAdmin(context, link.publisher, (client) => dropPublication(client, link.name)).catch(ignoreMissingDatabase);
  }
  await enterStep(context, 'finish:guards');
  for (const shard of plan.next) {
    await withAdmin(context, shard.node, async (client) => {
      for (const table of shard.tables) await unguardTable(client, 'public', table.table, RESHARD_GUARD_TRIGGER);
      await removeGuard(client, plan.guardKey);
    });
  }
  await enterStep(context, 'finish:drop-old-layout');
  const dropped: string[] = [];
  for (const shard of plan.current) {
    const gone = await withAdmin(
      context,
      shard.node,
      async (client) => {
        const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [shard.node.database]);
        if (!rowCount) return false;
        // FORCE ends the services' idle connections to it: since writes moved, no call is routed there.
        await client.query(`DROP DATABASE ${quoteIdent(shard.node.database)} WITH (FORCE)`);
        return true;
      },
      'postgres',
    );
    if (gone) {
      dropped.push(shard.node.database);
      log(`${service}: dropped the old layout's database ${dataNodeLabel(shard.node)}`);
    }
  }
  log(
    `${service}: reshard finished; the next layout is the service's layout. Make it so in the topology: move sharding.next's strategy/modulus/shards into sharding and remove sharding.next.`,
  );
  return { service, dropped, alreadyFinished: state.phase === 'finished' && dropped.length === 0 };
}

/** A link to a database an earlier run already dropped has nothing left to remove. */
function ignoreMissingDatabase(error: unknown): void {
  const message = (error as Error).message;
  if (/does not exist/.test(message)) return;
  throw error;
}
