import type pg from 'pg';
import { closeSnapshots, openConsistentSnapshots } from './consistent-snapshots.js';
import { withAdmin, type CutoverContext } from './cutover-context.js';
import { readPhase, type CutoverPhase } from './cutover-state.js';
import { refuseAfterFinish } from './refuse-after-finish.js';
import type { CutoverPlan } from './cutover-plan.js';
import { CutoverError } from './cutover.error.js';
import { loadCutoverPlan } from './load-plan.js';
import { monolithSide, replicationLinks, serviceSide } from './replication-links.js';
import { qualified } from './sql-text.js';
import { readTableShape } from './table-catalog.js';
import { describeRowDifferences, rowHashes, tableChecksum, type TableChecksum } from './table-checksum.js';
import { loggedStep } from './step-events.js';
import { nodeKey } from './write-switch.js';

export interface TableComparison {
  /** The target database (service name for its home database, else the shard). */
  target: string;
  table: string;
  monolith: TableChecksum;
  service: TableChecksum;
  equal: boolean;
}

export interface VerifyReport {
  service: string;
  ok: boolean;
  /**
   * True when both sides were read at one consistent point: writes were fenced for a moment
   * while the side that follows caught up, then each side was read in its own snapshot.
   */
  consistent: boolean;
  comparisons: TableComparison[];
  /** Every difference, in words: which table on which target, and how it differs. */
  differences: string[];
}

/** Phases in which the service's databases follow the monolith, or the monolith follows them. */
const FOLLOWING: Partial<Record<CutoverPhase, 'forward' | 'reverse'>> = { replicating: 'forward', 'writes-on-service': 'reverse' };

/**
 * Compares the monolith's rows with the service's, per target database and table: row counts
 * and checksums (see table-checksum.ts), the monolith side read through the target's row
 * filter. A sharded table also must have no monolith rows that no shard takes. Differences
 * are named down to primary keys.
 *
 * While replication runs, both sides are read at the same point: the side of record is
 * fenced (writes wait, see write-fence.ts) until the other side has replayed its last write,
 * each database opens a REPEATABLE READ snapshot, and the fence is lifted before any
 * comparing starts, so writes wait only for the catch-up.
 */
export function verifyService(context: CutoverContext, service: string): Promise<VerifyReport> {
  return loggedStep(
    context,
    service,
    'verify',
    () => compareSides(context, service),
    (report) => ({
      consistent: report.consistent,
      ...(report.ok ? {} : { outcome: 'differences' as const, differences: report.differences.length }),
    }),
  );
}

/** `verifyService` without its step event: for steps that verify as part of their own work. */
export async function compareSides(context: CutoverContext, service: string): Promise<VerifyReport> {
  const plan = await loadCutoverPlan(context, service);
  const phase = await withAdmin(context, plan.monolith, (client) => readPhase(client, service));
  if (phase === undefined) {
    throw new CutoverError(
      'CUTOVER_WRONG_PHASE',
      `Nothing to verify: nothing of ${service} has been copied yet (it runs on the monolith only). Start with: neo-db copy ${service}`,
    );
  }
  refuseAfterFinish(service, phase, 'verify');
  if (phase === 'copying') {
    throw new CutoverError(
      'CUTOVER_WRONG_PHASE',
      `Nothing to verify yet: the initial copy of ${service} has not finished. Rerun neo-db copy ${service} to wait for it (neo-db status shows its progress).`,
    );
  }
  const direction = FOLLOWING[phase];
  const nodes = [plan.monolith, ...plan.targets.map((target) => target.node)];
  const sideOfRecord = direction && {
    guardKey: plan.service,
    databases: direction === 'forward' ? monolithSide(plan) : serviceSide(plan),
    links: replicationLinks(plan, direction),
    what: `verify ${plan.service}`,
  };
  const snapshots = await openConsistentSnapshots(context, nodes, sideOfRecord);
  try {
    return await compare(plan, snapshots, direction !== undefined);
  } finally {
    await closeSnapshots(snapshots);
  }
}

async function compare(plan: CutoverPlan, snapshots: Map<string, pg.Client>, consistent: boolean): Promise<VerifyReport> {
  const monolith = snapshots.get(nodeKey(plan.monolith))!;
  const comparisons: TableComparison[] = [];
  const differences: string[] = [];
  for (const target of plan.targets) {
    const client = snapshots.get(nodeKey(target.node))!;
    for (const table of target.tables) {
      const where = `${target.name}: ${table.table}`;
      const monolithShape = await readTableShape(monolith, plan.monolith.schema, table.table);
      const serviceShape = await readTableShape(client, 'public', table.table);
      if (!monolithShape || !serviceShape) {
        differences.push(`${where}: the table is missing on the ${monolithShape ? 'service' : 'monolith'} side`);
        continue;
      }
      if (monolithShape.columns.join(',') !== serviceShape.columns.join(',')) {
        differences.push(
          `${where}: columns differ (monolith: ${monolithShape.columns.join(', ')}; service: ${serviceShape.columns.join(', ')}) — migrate both sides`,
        );
        continue;
      }
      const monolithName = qualified(plan.monolith.schema, table.table);
      const serviceName = qualified('public', table.table);
      const expected = await tableChecksum(monolith, monolithName, monolithShape.columns, table.filter);
      const actual = await tableChecksum(client, serviceName, serviceShape.columns);
      const equal = expected.rows === actual.rows && expected.checksum === actual.checksum;
      comparisons.push({ target: target.name, table: table.table, monolith: expected, service: actual, equal });
      if (!equal) {
        const rowDiffs = monolithShape.primaryKey.length
          ? describeRowDifferences(
              await rowHashes(monolith, monolithName, monolithShape.columns, monolithShape.primaryKey, table.filter),
              await rowHashes(client, serviceName, serviceShape.columns, monolithShape.primaryKey),
            )
          : [];
        differences.push(
          `${where}: monolith has ${expected.rows} row(s), service ${actual.rows}; checksums ${expected.checksum === actual.checksum ? 'equal' : 'differ'}` +
            (rowDiffs.length ? ` — on the service side: ${rowDiffs.join('; ')}` : ''),
        );
      }
    }
  }
  for (const [table, filters] of Object.entries(plan.shardFilters)) {
    const { rows } = await monolith.query<{ count: string }>(
      `SELECT count(*)::text AS count FROM ${qualified(plan.monolith.schema, table)} WHERE NOT coalesce(${filters.map((filter) => `(${filter})`).join(' OR ')}, false)`,
    );
    const left = Number(rows[0]!.count);
    if (left > 0)
      differences.push(
        `${table}: ${left} monolith row(s) belong to no shard (their shard key is outside every shard's range) and were not copied`,
      );
  }
  return { service: plan.service, ok: differences.length === 0, consistent, comparisons, differences };
}
