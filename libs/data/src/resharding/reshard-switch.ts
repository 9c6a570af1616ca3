import type pg from 'pg';
import { enterStep, logOf, timeoutsOf, withAdmin } from '../cutover/cutover-context.js';
import { CutoverError } from '../cutover/cutover.error.js';
import { assertLinksHealthy } from '../cutover/replication-health.js';
import { advanceSequence, maxOf, sequenceColumns } from '../cutover/sync-sequences.js';
import { switchWrites } from '../cutover/write-switch.js';
import { loadReshardPlan, readStateOf, recordPhase, reshardPhaseOf, type ReshardContext } from './reshard-context.js';
import { loggedStep } from '../cutover/step-events.js';
import { layoutSide, type LayoutShard } from './reshard-plan.js';
import type { ReshardPhase } from './reshard-state.js';
import { verifyLayouts } from './reshard-verify.js';

export type Layout = 'current' | 'next';

export interface LayoutWritesResult {
  service: string;
  to: Layout;
  alreadyThere: boolean;
  fencedMs?: number;
  pausedMs?: number;
}

const RESTING: Record<Layout, ReshardPhase> = { current: 'replicating', next: 'writes-on-next' };
const MOVING: Record<Layout, ReshardPhase> = { current: 'rolling-back', next: 'switching-writes' };
const GUARD = { current: 'current-layout', next: 'next-layout' } as const;

/** `reshard <service> switch-reads <percent>`: the share of users whose reads the next layout serves. */
export function switchLayoutReads(context: ReshardContext, service: string, percent: number): Promise<void> {
  return loggedStep(
    context,
    service,
    'reshard switch-reads',
    () => setLayoutReads(context, service, percent),
    () => ({ percent }),
    reshardPhaseOf,
  );
}

async function setLayoutReads(context: ReshardContext, service: string, percent: number): Promise<void> {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    throw new CutoverError('CUTOVER_WRONG_PHASE', `The read percentage must be a whole number from 0 to 100 (got ${String(percent)}).`);
  }
  const state = await readStateOf(context, service);
  if (percent > 0 && (!state || state.phase === 'copying' || state.phase === 'finished')) {
    throw new CutoverError(
      'CUTOVER_WRONG_PHASE',
      `Refusing to send reads of ${service} to its next layout: ${!state || state.phase === 'copying' ? `it is not copied yet (run: neo-db reshard ${service} copy)` : 'the reshard is finished'}.`,
    );
  }
  await context.layoutFlags.setReadPercent(service, percent);
  logOf(context)(`${service}: ${percent} % of users read from the next layout (${context.layoutFlags.describe()})`);
}

/**
 * `reshard <service> switch-writes` (to `next`) and the writes half of `rollback` (to
 * `current`): the cutover's write switch between the two layouts' shards (write-switch.ts), with
 * the reshard's own guard key, flags and links. Switching to the next layout first verifies both
 * layouts. An interrupted move is finished by running either command again.
 */
export function moveLayoutWrites(context: ReshardContext, service: string, to: Layout): Promise<LayoutWritesResult> {
  return loggedStep(
    context,
    service,
    to === 'next' ? 'reshard switch-writes' : 'reshard rollback',
    () => shiftLayoutWrites(context, service, to),
    (result) => ({
      to: result.to,
      ...(result.alreadyThere ? { outcome: 'nothing-to-do' as const } : {}),
      ...(result.pausedMs !== undefined ? { writePauseMs: Math.round(result.pausedMs) } : {}),
      ...(result.fencedMs !== undefined ? { fencedMs: Math.round(result.fencedMs) } : {}),
    }),
    reshardPhaseOf,
  );
}

async function shiftLayoutWrites(context: ReshardContext, service: string, to: Layout): Promise<LayoutWritesResult> {
  const log = logOf(context);
  const from: Layout = to === 'next' ? 'current' : 'next';
  const plan = await loadReshardPlan(context, service);
  const state = await readStateOf(context, service);
  const what = to === 'next' ? `switch writes of ${service} to its next layout` : `move writes of ${service} back to its current layout`;
  const writeFlag = (layout: Layout) => context.layoutFlags.setWriteSide(service, layout === 'next' ? 'service' : 'monolith');

  if (state?.phase === RESTING[to]) {
    await writeFlag(to);
    log(`${service}: writes already go to the ${to} layout; nothing to do`);
    return { service, to, alreadyThere: true };
  }
  if (!state || state.phase === 'copying' || state.phase === 'finished') {
    throw new CutoverError(
      'CUTOVER_WRONG_PHASE',
      `Refusing to ${what}: ${!state || state.phase === 'copying' ? `the next layout is not copied (run: neo-db reshard ${service} copy)` : 'the reshard is finished'}.`,
    );
  }
  if (state.phase === MOVING[from]) {
    log(`${service}: an interrupted ${from === 'next' ? 'switch-writes' : 'rollback'} is finished first`);
    await shiftLayoutWrites(context, service, from);
    return shiftLayoutWrites(context, service, to);
  }
  const sides = { current: layoutSide(plan.current), next: layoutSide(plan.next) };
  const oldLinks = from === 'current' ? plan.forward : plan.reverse;
  const newLinks = to === 'current' ? plan.forward : plan.reverse;
  if (state.phase === RESTING[from]) {
    await assertLinksHealthy(context, oldLinks, timeoutsOf(context).workerStartMs, what);
    if (to === 'next') {
      await enterStep(context, 'switch:verify');
      const report = await verifyLayouts(context, service);
      if (!report.ok) {
        throw new CutoverError(
          'CUTOVER_VERIFY_FAILED',
          `Refusing to ${what}: verify found differences between the layouts:\n${report.differences.map((line) => `  - ${line}`).join('\n')}\nFind out why (neo-db status), then retry.`,
        );
      }
    }
    await recordPhase(context, service, MOVING[to]);
  }

  const result = await switchWrites(
    context,
    {
      guardKey: plan.guardKey,
      from: GUARD[from],
      to: GUARD[to],
      oldSide: sides[from],
      newSide: sides[to],
      oldLinks,
      newLinks,
      flagWritesTo: (toNewSide) => writeFlag(toNewSide ? to : from),
      advanceSequences: () =>
        advanceLayoutSequences(context, to === 'next' ? plan.next : plan.current, to === 'next' ? plan.current : plan.next),
      what,
    },
    () => recordPhase(context, service, RESTING[from]),
  );
  await recordPhase(context, service, RESTING[to]);
  log(
    `${service}: writes go to the ${to} layout; the ${from} layout follows it (phase ${RESTING[to]})` +
      (result.pausedMs !== undefined ? `; writes paused ${result.pausedMs.toFixed(0)} ms at most` : '') +
      (result.notApplyingYet.length > 0 ? `; not applying yet: ${result.notApplyingYet.join(', ')}` : ''),
  );
  return {
    service,
    to,
    alreadyThere: false,
    ...(result.fencedMs !== undefined ? { fencedMs: result.fencedMs } : {}),
    ...(result.pausedMs !== undefined ? { pausedMs: result.pausedMs } : {}),
  };
}

/** Each sequence-backed column on the layout taking writes moves past the largest value on every shard of the other. */
async function advanceLayoutSequences(
  context: ReshardContext,
  taking: readonly LayoutShard[],
  giving: readonly LayoutShard[],
): Promise<void> {
  const withClient = <T>(shard: LayoutShard, work: (client: pg.Client) => Promise<T>) => withAdmin(context, shard.node, work);
  await Promise.all(
    taking.map((shard) =>
      withClient(shard, async (client) => {
        for (const table of shard.tables) {
          for (const { column, sequence } of await sequenceColumns(client, 'public', table.table)) {
            for (const other of giving.filter((candidate) => candidate.tables.some((entry) => entry.table === table.table))) {
              const max = await withClient(other, (source) => maxOf(source, 'public', table.table, column));
              if (max !== null) await advanceSequence(client, sequence, max);
            }
          }
        }
      }),
    ),
  );
}
