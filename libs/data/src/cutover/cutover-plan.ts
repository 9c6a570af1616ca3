import { createShardingStrategy } from '../sharding/create-strategy.js';
import { type DataNode, findService, monolithTarget, serviceTargets, shardTargets, type Topology } from '@neo/topology';
import { CutoverError } from './cutover.error.js';
import type { PrismaModel } from './prisma-models.js';
import { quoteIdent } from './sql-text.js';

/** How a table's rows are spread over the service's databases. */
export type TableRole = 'sharded' | 'reference' | 'single' | 'unsharded';

export interface PlannedTable {
  model: string;
  table: string;
  role: TableRole;
  /**
   * For a sharded table: the SQL condition on the monolith's row that puts it on this target
   * (the sharding strategy's own predicate, used as the publication's row filter).
   */
  filter?: string;
  /** The shard key's column, for a sharded table. */
  keyColumn?: string;
}

/** A database the service's rows move to: its home database or one shard. */
export interface CutoverTarget {
  /** The service's name for its home database, else the shard's name. */
  name: string;
  kind: 'database' | 'shard';
  /** The primary, with the service cluster's credentials. */
  node: DataNode;
  /** Tables replicated monolith → target, each with its row filter if any. */
  tables: PlannedTable[];
  /**
   * Tables replicated target → monolith after writes moved: a reference table is written to
   * every shard, so only the first shard sends it back (else the monolith would get each change once per shard).
   */
  reverseTables: string[];
  /** Base of this target's publication, slot and subscription names. */
  objectName: string;
}

export interface CutoverPlan {
  service: string;
  /** The service's schema in the monolith database, on the monolith's primary. */
  monolith: DataNode & { schema: string };
  targets: CutoverTarget[];
  /** Every table of the service, in model order. */
  tables: PlannedTable[];
  /** Per sharded table, the filters of all shards: a monolith row matching none of them would be left behind. */
  shardFilters: Record<string, string[]>;
}

/**
 * Which rows of which monolith table go to which database, read from the topology and the
 * service's Prisma models. Only targets that receive tables are listed (a sharded service
 * whose every model is sharded or reference data has nothing in its home database). The shards
 * are those of the layout at `now` (a rollover's next year included within its `aheadDays`).
 */
export function planCutover(topology: Topology, service: string, models: readonly PrismaModel[], now: Date = new Date()): CutoverPlan {
  const declared = findService(topology, service);
  const monolithNode = monolithTarget(topology, service);
  const monolith = { ...monolithNode, schema: monolithNode.schema ?? service };
  if (models.length === 0) {
    throw new CutoverError(
      'CUTOVER_UNSUPPORTED',
      `Service "${service}" has no Prisma models: nothing to move. Check its prisma/<service>/schema.prisma.`,
    );
  }
  const byName = new Map(models.map((model) => [model.name, model]));
  const sharding = declared.sharding;
  const home: CutoverTarget = {
    name: service,
    kind: 'database',
    node: serviceTargets(topology, service).primary,
    tables: [],
    reverseTables: [],
    objectName: objectNameFor(service, undefined),
  };
  if (!sharding) {
    const tables = models.map((model): PlannedTable => ({ model: model.name, table: model.table, role: 'unsharded' }));
    home.tables = tables;
    home.reverseTables = tables.map((table) => table.table);
    return { service, monolith, targets: [home], tables, shardFilters: {} };
  }

  const requireModel = (name: string, role: string): PrismaModel => {
    const model = byName.get(name);
    if (!model) {
      throw new CutoverError(
        'CUTOVER_UNSUPPORTED',
        `The topology lists "${name}" as a ${role} model of "${service}", but its schema.prisma has no such model (it has ${[...byName.keys()].join(', ')}). Fix the sharding block or the schema.`,
      );
    }
    return model;
  };
  const strategy = createShardingStrategy(sharding, now);
  const shards = shardTargets(topology, service, 'app', { now }).map((target): CutoverTarget => ({
    name: target.shard.name,
    kind: 'shard',
    node: target.primary,
    tables: [],
    reverseTables: [],
    objectName: objectNameFor(service, target.shard.name),
  }));
  const tables: PlannedTable[] = [];
  const shardFilters: Record<string, string[]> = {};
  for (const model of models) {
    if (sharding.models.includes(model.name)) {
      const keyColumn = model.columns[sharding.key];
      if (!keyColumn) {
        throw new CutoverError(
          'CUTOVER_UNSUPPORTED',
          `Model ${model.name} of "${service}" is sharded by "${sharding.key}", but has no such field. Fix "sharding.key" in the topology.`,
        );
      }
      tables.push({ model: model.name, table: model.table, role: 'sharded', keyColumn });
      shardFilters[model.table] = [];
      for (const shard of shards) {
        const filter = strategy.sqlPredicate(shard.name, quoteIdent(keyColumn));
        shard.tables.push({ model: model.name, table: model.table, role: 'sharded', filter, keyColumn });
        shard.reverseTables.push(model.table);
        shardFilters[model.table]!.push(filter);
      }
    } else if (sharding.referenceModels.includes(model.name)) {
      requireModel(model.name, 'reference');
      tables.push({ model: model.name, table: model.table, role: 'reference' });
      shards.forEach((shard, index) => {
        shard.tables.push({ model: model.name, table: model.table, role: 'reference' });
        if (index === 0) shard.reverseTables.push(model.table);
      });
    } else if (Object.hasOwn(sharding.singleModels, model.name)) {
      const shardName = sharding.singleModels[model.name]!;
      const shard = shards.find((candidate) => candidate.name === shardName);
      if (!shard)
        throw new CutoverError(
          'CUTOVER_UNSUPPORTED',
          `Model ${model.name} is placed on shard "${shardName}", which "${service}" does not declare.`,
        );
      tables.push({ model: model.name, table: model.table, role: 'single' });
      shard.tables.push({ model: model.name, table: model.table, role: 'single' });
      shard.reverseTables.push(model.table);
    } else {
      tables.push({ model: model.name, table: model.table, role: 'unsharded' });
      home.tables.push({ model: model.name, table: model.table, role: 'unsharded' });
      home.reverseTables.push(model.table);
    }
  }
  for (const name of sharding.models) requireModel(name, 'sharded');
  const targets = [home, ...shards].filter((target) => target.tables.length > 0);
  return { service, monolith, targets, tables, shardFilters };
}

/** Publication, slot and subscription names: lower-case, at most 63 bytes, unique per service and target. */
function objectNameFor(service: string, shard: string | undefined): string {
  const clean = (text: string) => text.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return (shard === undefined ? clean(service) : `${clean(service)}__${clean(shard)}`).slice(0, 55);
}
