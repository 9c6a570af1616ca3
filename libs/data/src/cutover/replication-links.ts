import type { DataNode } from '@neo/topology';
import type { CutoverPlan, CutoverTarget } from './cutover-plan.js';
import { replicationName, type ReplicationDirection } from './replication-names.js';

/** One subscription: who publishes, who subscribes, under which name (of a cutover or a reshard). */
export interface ReplicationChannel {
  /** `forward`: towards the side being moved to; `reverse`: back to the side moved from. */
  direction: ReplicationDirection;
  publisher: DataNode;
  subscriber: DataNode;
  /** Publication, slot and subscription name. */
  name: string;
}

/** One subscription of a cutover, with the target database it feeds or is fed by. */
export interface ReplicationLink extends ReplicationChannel {
  target: CutoverTarget;
}

/**
 * The subscriptions of one direction: forward, one per target (on the target, from the
 * monolith); reverse, one per target that sends tables back (on the monolith, from the target).
 */
export function replicationLinks(plan: CutoverPlan, direction: ReplicationDirection): ReplicationLink[] {
  if (direction === 'forward') {
    return plan.targets.map((target) => ({
      direction,
      target,
      publisher: plan.monolith,
      subscriber: target.node,
      name: replicationName('forward', target.objectName),
    }));
  }
  return plan.targets
    .filter((target) => target.reverseTables.length > 0)
    .map((target) => ({
      direction,
      target,
      publisher: target.node,
      subscriber: plan.monolith,
      name: replicationName('reverse', target.objectName),
    }));
}

/** A database holding the service's tables on one side, with the schema they are in. */
export interface SideDatabase {
  node: DataNode;
  schema: string;
  tables: string[];
}

/** The monolith side: the service's schema in the monolith database. */
export function monolithSide(plan: CutoverPlan): SideDatabase[] {
  return [{ node: plan.monolith, schema: plan.monolith.schema, tables: plan.tables.map((table) => table.table) }];
}

/** The service side: each target database, tables in `public`. */
export function serviceSide(plan: CutoverPlan): SideDatabase[] {
  return plan.targets.map((target) => ({ node: target.node, schema: 'public', tables: target.tables.map((table) => table.table) }));
}
