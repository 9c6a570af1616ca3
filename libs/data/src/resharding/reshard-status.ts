import type { CutoverContext } from '../cutover/cutover-context.js';
import { inspectLink, type LinkHealth } from '../cutover/replication-health.js';
import { readGuards } from '../cutover/write-switch.js';
import type { GuardSide } from '../cutover/write-guard.js';
import { loadReshardPlan, readStateOf } from './reshard-context.js';
import { layoutSide } from './reshard-plan.js';
import type { ReshardPhase } from './reshard-state.js';

export interface ReshardStatus {
  service: string;
  /** `null` before `copy`. */
  phase: ReshardPhase | null;
  writesMovedAt: Date | null;
  /** The reshard guard of each shard of each layout (absent where the database has none yet). */
  guards: { current: Array<GuardSide | null>; next: Array<GuardSide | null> };
  /** The links of the direction replicating now: forward until writes move, reverse after. */
  links: LinkHealth[];
}

/** `reshard <service> status`: the phase, each layout's guards, and the active direction's links with their lag. */
export async function reshardStatus(context: CutoverContext, service: string): Promise<ReshardStatus> {
  const plan = await loadReshardPlan(context, service);
  const state = await readStateOf(context, service);
  const phase = state?.phase ?? null;
  const guardsOf = async (side: ReturnType<typeof layoutSide>) =>
    (await readGuards(context, side, plan.guardKey).catch(() => side.map(() => undefined))).map((guard) => guard ?? null);
  const active = phase === 'writes-on-next' ? plan.reverse : phase === null || phase === 'finished' ? [] : plan.forward;
  return {
    service,
    phase,
    writesMovedAt: state?.writesMovedAt ?? null,
    guards: { current: phase === 'finished' ? [] : await guardsOf(layoutSide(plan.current)), next: await guardsOf(layoutSide(plan.next)) },
    links: await Promise.all(active.map((link) => inspectLink(context, link))),
  };
}
