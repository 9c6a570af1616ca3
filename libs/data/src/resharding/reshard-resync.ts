import type { CutoverContext } from '../cutover/cutover-context.js';
import { enterStep, logOf } from '../cutover/cutover-context.js';
import { CutoverError } from '../cutover/cutover.error.js';
import { rebuildLinks, type RebuildResult } from '../cutover/rebuild-links.js';
import type { ReplicationDirection } from '../cutover/replication-names.js';
import { qualified } from '../cutover/sql-text.js';
import { loggedStep } from '../cutover/step-events.js';
import { loadReshardPlan, readStateOf, reshardPhaseOf } from './reshard-context.js';
import type { ReshardLink } from './reshard-plan.js';
import type { ReshardPhase } from './reshard-state.js';
import { verifyLayouts, type ReshardVerifyReport } from './reshard-verify.js';

export interface ReshardResyncResult extends RebuildResult {
  service: string;
  /** `forward`: current → next layout (writes on the current one); `reverse`: next → current. */
  direction: ReplicationDirection;
  /** The reshard's own verify, run once the links caught up. */
  verify: ReshardVerifyReport;
}

/** The phases with the reshard's links running, and their direction (the layout of record publishes). */
const ACTIVE: Partial<Record<ReshardPhase, ReplicationDirection>> = { replicating: 'forward', 'writes-on-next': 'reverse' };

/**
 * `reshard <service> resync`: rebuilds the reshard's active links (current → next layout while
 * writes go to the current one, next → current after they moved) on each cluster's current
 * primary, from the layout of record, then verifies both layouts. For after a failover of a
 * cluster holding shards of either layout: PostgreSQL 15 keeps logical slots on the primary only.
 * How, without losing a row: `rebuildLinks`. Safe to interrupt and run again.
 */
export function resyncReshard(context: CutoverContext, service: string): Promise<ReshardResyncResult> {
  return loggedStep(
    context,
    service,
    'reshard resync',
    () => resync(context, service),
    (result) => ({
      links: result.links.length,
      repairMs: Math.round(result.repairMs),
      ...(result.verify.ok ? {} : { outcome: 'differences' as const, differences: result.verify.differences.length }),
    }),
    reshardPhaseOf,
  );
}

/** The direction whose links run in a reshard's `phase`, or a refusal that says what to run instead. */
export function activeReshardDirection(service: string, phase: ReshardPhase | undefined): ReplicationDirection {
  const direction = phase === undefined ? undefined : ACTIVE[phase];
  if (direction) return direction;
  const instead =
    phase === undefined
      ? `${service} is not being resharded, so it has no reshard links.`
      : phase === 'finished'
        ? `the reshard of ${service} is finished: it has no links left.`
        : phase === 'copying'
          ? `its initial copy has not finished (phase copying). Rerun neo-db reshard ${service} copy first, then neo-db reshard ${service} resync if a link is still broken.`
          : `a ${phase === 'switching-writes' ? 'switch-writes' : 'rollback'} was interrupted (phase ${phase}). Finish it first ` +
            `(neo-db reshard ${service} ${phase === 'switching-writes' ? 'switch-writes' : 'rollback'}), then run neo-db reshard ${service} resync if a link is still broken.`;
  throw new CutoverError('CUTOVER_WRONG_PHASE', `Not resyncing the reshard of ${service}: ${instead}`);
}

/** The links of `direction`, each with what it delivers: the same tables on both ends, through the receiving layout's filter. */
function reshardLinksToRebuild(links: readonly ReshardLink[]) {
  return links.map((link) => ({
    ...link,
    delivered: link.tables.map((table) => ({
      table: table.table,
      source: qualified('public', table.table),
      receiving: qualified('public', table.table),
      ...(table.filter ? { filter: table.filter } : {}),
    })),
  }));
}

async function resync(context: CutoverContext, service: string): Promise<ReshardResyncResult> {
  const plan = await loadReshardPlan(context, service);
  const direction = activeReshardDirection(service, (await readStateOf(context, service))?.phase);
  const links = reshardLinksToRebuild(direction === 'forward' ? plan.forward : plan.reverse);
  const rebuilt = await rebuildLinks(context, `${service} (reshard)`, links, `neo-db reshard ${service} resync`);
  await enterStep(context, 'resync:verify');
  const verify = await verifyLayouts(context, service);
  logOf(context)(
    verify.ok
      ? `${service}: verify ok, both layouts hold the same rows`
      : `${service}: verify found differences after the resync:\n${verify.differences.map((line) => `  - ${line}`).join('\n')}`,
  );
  return { service, direction, ...rebuilt, verify };
}
