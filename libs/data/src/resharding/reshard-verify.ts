import type pg from 'pg';
import { closeSnapshots, openConsistentSnapshots } from '../cutover/consistent-snapshots.js';
import type { CutoverContext } from '../cutover/cutover-context.js';
import { CutoverError } from '../cutover/cutover.error.js';
import { qualified } from '../cutover/sql-text.js';
import { readTableShape } from '../cutover/table-catalog.js';
import { describeRowDifferences, rowHashes, tableChecksum } from '../cutover/table-checksum.js';
import { nodeKey } from '../cutover/write-switch.js';
import { loadReshardPlan, readStateOf, reshardPhaseOf } from './reshard-context.js';
import { loggedStep } from '../cutover/step-events.js';
import { layoutSide, type LayoutShard, type ReshardPlan } from './reshard-plan.js';

export interface ShardComparison {
  /** `next` compares a next shard with the rows the current layout says it must hold; `current` the other way. */
  layout: 'current' | 'next';
  shard: string;
  table: string;
  expected: { rows: number; checksum: string };
  actual: { rows: number; checksum: string };
  equal: boolean;
}

export interface ReshardVerifyReport {
  service: string;
  ok: boolean;
  comparisons: ShardComparison[];
  differences: string[];
}

/**
 * `reshard <service> verify`: both layouts hold the same rows, each on the shard its layout puts
 * it on. For every shard of each layout and each table: the row count and checksum of the shard
 * against the sum over the other layout's shards that feed it, read through the row filter of
 * their link (a checksum is a sum of row hashes, so parts add up). Exact under load: the side of
 * record is fenced while the other side catches up and every database opens its snapshot, then
 * the fence is lifted before anything is compared.
 */
export function verifyLayouts(context: CutoverContext, service: string): Promise<ReshardVerifyReport> {
  return loggedStep(
    context,
    service,
    'reshard verify',
    () => verify(context, service),
    (report) => (report.ok ? { tables: report.comparisons.length } : { outcome: 'differences', differences: report.differences.length }),
    reshardPhaseOf,
  );
}

async function verify(context: CutoverContext, service: string): Promise<ReshardVerifyReport> {
  const plan = await loadReshardPlan(context, service);
  const state = await readStateOf(context, service);
  if (!state || state.phase === 'copying' || state.phase === 'finished') {
    throw new CutoverError(
      'CUTOVER_WRONG_PHASE',
      `Nothing to verify for ${service}: ${!state ? 'no reshard has started (run: neo-db reshard ' + service + ' copy)' : state.phase === 'copying' ? 'the initial copy is not finished (rerun copy)' : 'the reshard is finished'}.`,
    );
  }
  if (state.phase === 'switching-writes' || state.phase === 'rolling-back') {
    throw new CutoverError(
      'CUTOVER_WRONG_PHASE',
      `Refusing to verify ${service} while writes are being moved (phase ${state.phase}): rerun the interrupted switch-writes or rollback first.`,
    );
  }
  const onNext = state.phase === 'writes-on-next';
  const nodes = [...plan.current, ...plan.next].map((shard) => shard.node);
  const snapshots = await openConsistentSnapshots(context, nodes, {
    guardKey: plan.guardKey,
    databases: layoutSide(onNext ? plan.next : plan.current),
    links: onNext ? plan.reverse : plan.forward,
    what: `verify ${plan.service}`,
  });
  try {
    return await compare(plan, snapshots);
  } finally {
    await closeSnapshots(snapshots);
  }
}

async function compare(plan: ReshardPlan, snapshots: Map<string, pg.Client>): Promise<ReshardVerifyReport> {
  const comparisons: ShardComparison[] = [];
  const differences: string[] = [];
  const clientOf = (shard: LayoutShard) => snapshots.get(nodeKey(shard.node))!;
  for (const [layout, receivers, senders, links] of [
    ['next', plan.next, plan.current, plan.forward],
    ['current', plan.current, plan.next, plan.reverse],
  ] as const) {
    for (const receiver of receivers) {
      for (const { table } of receiver.tables) {
        const receiving = clientOf(receiver);
        const shape = await readTableShape(receiving, 'public', table);
        if (!shape) {
          differences.push(`${receiver.name}: table ${table} is missing — rerun copy (it migrates the next layout)`);
          continue;
        }
        const name = qualified('public', table);
        const feeds = links.flatMap((link) => {
          const entry = link.subscriber === receiver.node ? link.tables.find((candidate) => candidate.table === table) : undefined;
          const sender = senders.find((candidate) => candidate.node === link.publisher);
          return entry && sender ? [{ sender, filter: entry.filter }] : [];
        });
        let rows = 0;
        let checksum = 0n;
        for (const feed of feeds) {
          const part = await tableChecksum(clientOf(feed.sender), name, shape.columns, feed.filter);
          rows += part.rows;
          checksum += BigInt(part.checksum);
        }
        const expected = { rows, checksum: checksum.toString() };
        const actual = await tableChecksum(receiving, name, shape.columns);
        const equal = expected.rows === actual.rows && expected.checksum === actual.checksum;
        comparisons.push({ layout, shard: receiver.name, table, expected, actual, equal });
        if (equal) continue;
        const wanted = new Map<string, string>();
        if (shape.primaryKey.length > 0) {
          for (const feed of feeds)
            for (const [key, hash] of await rowHashes(clientOf(feed.sender), name, shape.columns, shape.primaryKey, feed.filter))
              wanted.set(key, hash);
        }
        const found =
          shape.primaryKey.length > 0 ? await rowHashes(receiving, name, shape.columns, shape.primaryKey) : new Map<string, string>();
        const rowDiffs = describeRowDifferences(wanted, found);
        differences.push(
          `${layout} layout, ${receiver.name}: ${table} should hold ${expected.rows} row(s) from the other layout, holds ${actual.rows}` +
            (rowDiffs.length ? ` — ${rowDiffs.join('; ')}` : ''),
        );
      }
    }
  }
  return { service: plan.service, ok: differences.length === 0, comparisons, differences };
}
