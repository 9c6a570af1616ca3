import { enterStep, logOf, withAdmin, type CutoverContext } from './cutover-context.js';
import { CutoverError } from './cutover.error.js';
import { readPhase, type CutoverPhase } from './cutover-state.js';
import { loadCutoverPlan } from './load-plan.js';
import { rebuildLinks, type DeliveredTable, type RebuildResult } from './rebuild-links.js';
import { replicationLinks, type ReplicationLink } from './replication-links.js';
import type { ReplicationDirection } from './replication-names.js';
import { refuseAfterFinish } from './refuse-after-finish.js';
import { qualified } from './sql-text.js';
import { loggedStep } from './step-events.js';
import { compareSides, type VerifyReport } from './verify.js';

/** The phases with replication running, and its direction (the side of record publishes). */
const ACTIVE: Partial<Record<CutoverPhase, ReplicationDirection>> = { replicating: 'forward', 'writes-on-service': 'reverse' };

export interface ResyncResult extends RebuildResult {
  service: string;
  direction: ReplicationDirection;
  /** The cutover's own verify, run once the links caught up. */
  verify: VerifyReport;
}

/**
 * `resync <service>`: rebuilds the service's active replication links from the side of record,
 * on each cluster's current primary. For after a failover: PostgreSQL 15 keeps logical slots on
 * the primary only, so a promoted publisher has none, and a promoted subscriber may have confirmed
 * less than its publisher's slot believes (asynchronous replicas).
 *
 * How the links are rebuilt without losing a row: `rebuildLinks`. Once they caught up, verify
 * (counts and checksums, both sides read at one point).
 *
 * Every run rebuilds from the start, so a run that was interrupted anywhere is finished by
 * running it again. Writes on the side of record go on throughout.
 */
export function resyncService(context: CutoverContext, service: string): Promise<ResyncResult> {
  return loggedStep(
    context,
    service,
    'resync',
    () => resync(context, service),
    (result) => ({
      links: result.links.length,
      repairMs: Math.round(result.repairMs),
      ...(result.verify.ok ? {} : { outcome: 'differences' as const, differences: result.verify.differences.length }),
    }),
  );
}

/** The direction whose links run in `phase`, or a refusal that says what to do instead. */
export function activeDirection(service: string, phase: CutoverPhase | undefined): ReplicationDirection {
  refuseAfterFinish(service, phase, 'resync');
  const direction = phase === undefined ? undefined : ACTIVE[phase];
  if (direction) return direction;
  throw new CutoverError(
    'CUTOVER_WRONG_PHASE',
    phase === undefined
      ? `Nothing to resync: ${service} has not been copied, so it has no replication links.`
      : phase === 'copying'
        ? `Not resyncing ${service}: its initial copy has not finished (phase copying). Rerun neo-db copy ${service} first, then neo-db resync ${service} if a link is still broken.`
        : `Not resyncing ${service}: a ${phase === 'switching-writes' ? 'switch-writes' : 'rollback'} was interrupted (phase ${phase}). ` +
          `Finish it first (neo-db ${phase === 'switching-writes' ? 'switch-writes' : 'rollback'} ${service}), then run neo-db resync ${service} if a link is still broken.`,
  );
}

async function resync(context: CutoverContext, service: string): Promise<ResyncResult> {
  const plan = await loadCutoverPlan(context, service);
  const direction = activeDirection(service, await withAdmin(context, plan.monolith, (client) => readPhase(client, service)));
  const links = replicationLinks(plan, direction).map((link) => ({ ...link, delivered: deliveredTables(link, plan.monolith.schema) }));
  const rebuilt = await rebuildLinks(context, service, links, `neo-db resync ${service}`);
  const log = logOf(context);

  await enterStep(context, 'resync:verify');
  const verify = await compareSides(context, service);
  log(
    verify.ok
      ? `${service}: verify ok, both sides hold the same rows`
      : `${service}: verify found differences after the resync:\n${verify.differences.map((line) => `  - ${line}`).join('\n')}`,
  );
  return { service, direction, ...rebuilt, verify };
}

/** What a link delivers: forward, the target's tables from the monolith through its row filter; reverse, the tables a target sends back. */
function deliveredTables(link: ReplicationLink, monolithSchema: string): DeliveredTable[] {
  if (link.direction === 'forward') {
    return link.target.tables.map((table) => ({
      table: table.table,
      source: qualified(monolithSchema, table.table),
      receiving: qualified('public', table.table),
      ...(table.filter ? { filter: table.filter } : {}),
    }));
  }
  return link.target.reverseTables.map((table) => ({
    table,
    source: qualified('public', table),
    receiving: qualified(monolithSchema, table),
  }));
}
