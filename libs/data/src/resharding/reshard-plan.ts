import { findService, layoutSharding, shardTargets, withEffectiveShards, type DataNode, type Sharding, type Topology } from '@neo/topology';
import { createShardingStrategy } from '../sharding/create-strategy.js';
import { planCutover, type PlannedTable } from '../cutover/cutover-plan.js';
import { CutoverError } from '../cutover/cutover.error.js';
import type { PrismaModel } from '../cutover/prisma-models.js';
import type { ReplicationChannel, SideDatabase } from '../cutover/replication-links.js';
import { quoteIdent } from '../cutover/sql-text.js';
import { shardsMayShareKeys } from './layout-overlap.js';

/** One shard of either layout: its primary (the service's app login) and the tables it holds. */
export interface LayoutShard {
  name: string;
  node: DataNode;
  /** The tables placed on this shard: sharded, reference and single models. */
  tables: PlannedTable[];
}

/** A table a link publishes, with the row filter that keeps only the receiving shard's rows. */
export interface LinkTable {
  table: string;
  filter?: string;
}

/** One subscription of a reshard: a shard of one layout feeding a shard of the other. */
export interface ReshardLink extends ReplicationChannel {
  tables: LinkTable[];
}

export interface ReshardPlan {
  service: string;
  /** The write guard row and fence lock key of the reshard (the cutover's is the service's name). */
  guardKey: string;
  current: LayoutShard[];
  next: LayoutShard[];
  /** current → next: the copy, and the stream until writes move. */
  forward: ReshardLink[];
  /** next → current: the stream after writes moved, so rollback loses nothing. */
  reverse: ReshardLink[];
  /** Per next shard and table: the current shards and the filter whose rows it must hold (for verify). */
  expectations: Array<{ shard: string; table: string; sources: Array<{ shard: string; filter?: string }> }>;
  /** Days the old layout is kept after writes moved, before `finish` drops it. */
  keepOldLayoutDays: number;
}

/** The reshard's guard key: beside the cutover's guard row (keyed by the service), one of its own. */
export function reshardGuardKey(service: string): string {
  return `${service}~layout`;
}

/**
 * Which rows of which current shard go to which next shard, and back, from the topology's two
 * layouts (`sharding.shards` and `sharding.next`) and the service's Prisma models:
 * - a sharded table flows between each pair of shards that may share keys, filtered by the
 *   receiving layout's own SQL predicate (the strategy's `sqlPredicate`);
 * - a reference table (on every shard) flows to each shard of the other layout from one shard
 *   only (from every shard it would arrive once per shard), the first that feeds it sharded rows;
 * - a single model flows from the shard holding it to the shard that will.
 */
export function planReshard(topology: Topology, service: string, models: readonly PrismaModel[]): ReshardPlan {
  const declared = findService(topology, service);
  const sharding = declared.sharding;
  if (!sharding?.next) {
    throw new CutoverError(
      'CUTOVER_UNSUPPORTED',
      sharding
        ? `Service "${service}" declares no next shard layout: add "sharding.next: { shards: [...] }" to its topology (see config/README.md, Resharding).`
        : `Service "${service}" is not sharded: resharding moves rows between shard layouts. Declare "sharding" first.`,
    );
  }
  const tables = planCutover(topology, service, models).tables;
  const current = layoutShards(topology, service, sharding, 'current', tables);
  const next = layoutShards(topology, service, sharding, 'next', tables);
  // The current layout as it routes now: with the shards a rollover added (the plan's shards are those).
  const currentSharding = withEffectiveShards(sharding, new Date());
  const nextSharding = layoutSharding(sharding, 'next');
  const forward = links(service, 'forward', current, currentSharding, next, nextSharding, tables);
  const reverse = links(service, 'reverse', next, nextSharding, current, currentSharding, tables);
  const expectations = next.flatMap((shard) =>
    shard.tables.map((table) => ({
      shard: shard.name,
      table: table.table,
      sources: forward
        .filter((link) => link.subscriber === shard.node && link.tables.some((entry) => entry.table === table.table))
        .map((link) => ({
          shard: current.find((candidate) => candidate.node === link.publisher)!.name,
          ...filterOf(link, table.table),
        })),
    })),
  );
  return {
    service,
    guardKey: reshardGuardKey(service),
    current,
    next,
    forward,
    reverse,
    expectations,
    keepOldLayoutDays: sharding.next.keepOldLayoutDays,
  };
}

/** A layout's shards as the sides of a write switch: each shard's database, tables in `public`. */
export function layoutSide(shards: readonly LayoutShard[]): SideDatabase[] {
  return shards.map((shard) => ({ node: shard.node, schema: 'public', tables: shard.tables.map((table) => table.table) }));
}

function layoutShards(
  topology: Topology,
  service: string,
  sharding: Sharding,
  layout: 'current' | 'next',
  tables: readonly PlannedTable[],
): LayoutShard[] {
  const singles = layout === 'current' ? sharding.singleModels : layoutSharding(sharding, 'next').singleModels;
  return shardTargets(topology, service, 'app', { layout }).map((target) => ({
    name: target.shard.name,
    node: target.primary,
    tables: tables.filter(
      (table) =>
        table.role === 'sharded' || table.role === 'reference' || (table.role === 'single' && singles[table.model] === target.shard.name),
    ),
  }));
}

function links(
  service: string,
  direction: 'forward' | 'reverse',
  senders: readonly LayoutShard[],
  sending: Sharding,
  receivers: readonly LayoutShard[],
  receiving: Sharding,
  tables: readonly PlannedTable[],
): ReshardLink[] {
  const strategy = createShardingStrategy(receiving);
  const shareKeys = (senderIndex: number, receiverIndex: number) =>
    shardsMayShareKeys(sending, sending.shards[senderIndex]!, receiving, receiving.shards[receiverIndex]!);
  // Reference rows come to each receiver from one sender only (else once per sender), the first
  // that feeds it sharded rows anyway: no link is made for reference rows alone.
  const hasSharded = tables.some((table) => table.role === 'sharded');
  const referenceSender = (receiverIndex: number) =>
    hasSharded
      ? Math.max(
          0,
          senders.findIndex((_, senderIndex) => shareKeys(senderIndex, receiverIndex)),
        )
      : 0;
  const result: ReshardLink[] = [];
  senders.forEach((sender, senderIndex) => {
    receivers.forEach((receiver, receiverIndex) => {
      const linkTables: LinkTable[] = [];
      for (const table of tables) {
        if (table.role === 'sharded') {
          if (shareKeys(senderIndex, receiverIndex))
            linkTables.push({ table: table.table, filter: strategy.sqlPredicate(receiver.name, quoteIdent(table.keyColumn!)) });
        } else if (table.role === 'reference') {
          if (senderIndex === referenceSender(receiverIndex)) linkTables.push({ table: table.table });
        } else if (table.role === 'single') {
          const from = sending.singleModels[table.model];
          const to = receiving.singleModels[table.model];
          if (from === sender.name && to === receiver.name) linkTables.push({ table: table.table });
        }
      }
      if (linkTables.length === 0) return;
      result.push({
        direction,
        publisher: sender.node,
        subscriber: receiver.node,
        name: linkName(service, direction, senderIndex, receiverIndex),
        tables: linkTables,
      });
    });
  });
  return result;
}

/** Publication, slot and subscription name: `neo_rsf_<service>_<from>_<to>` (forward) or `neo_rsr_…`, by shard positions. */
function linkName(service: string, direction: 'forward' | 'reverse', from: number, to: number): string {
  const clean = service
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 40);
  return `${direction === 'forward' ? 'neo_rsf' : 'neo_rsr'}_${clean}_${from}_${to}`;
}

function filterOf(link: ReshardLink, table: string): { filter?: string } {
  const filter = link.tables.find((entry) => entry.table === table)?.filter;
  return filter === undefined ? {} : { filter };
}
