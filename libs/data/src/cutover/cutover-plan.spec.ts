import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bindTopology, loadTopology, type Topology } from '@neo/topology';
import { planCutover } from './cutover-plan.js';
import { parsePrismaModels } from './prisma-models.js';

const configTopology = loadTopology({ path: new URL('../../../../config/topology.yaml', import.meta.url).pathname });
const bound: Topology = bindTopology(
  configTopology,
  Object.fromEntries(
    Object.entries(configTopology.clusters).flatMap(([cluster, declared], index) =>
      [declared.primary, ...declared.replicas].map((node, offset) => [
        `${cluster}/${node.name}`,
        { host: '127.0.0.1', port: 6000 + index * 10 + offset },
      ]),
    ),
  ),
);
const smartcontracts = parsePrismaModels(
  readFileSync(new URL('./test-support/prisma/smartcontracts/schema.prisma', import.meta.url), 'utf8'),
);
const storage = parsePrismaModels(readFileSync(new URL('../../../../prisma/storage/schema.prisma', import.meta.url), 'utf8'));

describe('parsePrismaModels', () => {
  it('reads table names and the columns of scalar fields, skipping relation fields', () => {
    const models = parsePrismaModels(`
      model User {
        id Int @id
        posts Post[]
        fullName String @map("full_name") // a comment
        @@map("users")
      }
      model Post {
        id Int @id
        author User @relation(fields: [authorId], references: [id])
        authorId Int @map("author_id")
      }`);
    expect(models).toEqual([
      { name: 'User', table: 'users', columns: { id: 'id', fullName: 'full_name' } },
      { name: 'Post', table: 'Post', columns: { id: 'id', authorId: 'author_id' } },
    ]);
  });
});

describe('planCutover', () => {
  it('splits a modulo-sharded table by the strategy predicate and copies reference tables to every shard, sending them back from one', () => {
    const plan = planCutover(bound, 'smartcontracts', smartcontracts);
    expect(plan.monolith).toMatchObject({ database: 'neo_service_layer', schema: 'smartcontracts' });
    expect(plan.targets.map((target) => target.name)).toEqual([
      'smartcontracts_0',
      'smartcontracts_1',
      'smartcontracts_2',
      'smartcontracts_3',
    ]);
    const shard2 = plan.targets[2]!;
    expect(shard2.node.database).toBe('neo_smartcontracts_2');
    expect(shard2.tables).toEqual([
      { model: 'Contract', table: 'contracts', role: 'reference' },
      { model: 'Transaction', table: 'transactions', role: 'sharded', keyColumn: 'user_id', filter: '((("user_id") % 4) + 4) % 4 = 2' },
    ]);
    expect(plan.targets.map((target) => target.reverseTables)).toEqual([
      ['contracts', 'transactions'],
      ['transactions'],
      ['transactions'],
      ['transactions'],
    ]);
    expect(plan.shardFilters['transactions']).toHaveLength(4);
    expect(shard2.objectName).toBe('smartcontracts__smartcontracts_2');
  });

  it('splits a range-sharded table by created_date', () => {
    const plan = planCutover(bound, 'storage', storage, new Date('2026-06-01T00:00:00Z'));
    expect(plan.targets.map((target) => [target.name, target.tables[0]!.filter])).toEqual([
      [
        'storage_2024',
        `("created_date") >= '2024-01-01T00:00:00.000Z'::timestamptz AND ("created_date") < '2025-01-01T00:00:00.000Z'::timestamptz`,
      ],
      [
        'storage_2025',
        `("created_date") >= '2025-01-01T00:00:00.000Z'::timestamptz AND ("created_date") < '2026-01-01T00:00:00.000Z'::timestamptz`,
      ],
      ['storage_2026', `("created_date") >= '2026-01-01T00:00:00.000Z'::timestamptz`],
    ]);
  });

  it("includes next year's rolled-over shard once it is within aheadDays, and closes the one before", () => {
    const plan = planCutover(bound, 'storage', storage, new Date('2026-12-31T00:00:00Z'));
    expect(plan.targets.slice(-2).map((target) => [target.name, target.tables[0]!.filter])).toEqual([
      [
        'storage_2026',
        `("created_date") >= '2026-01-01T00:00:00.000Z'::timestamptz AND ("created_date") < '2027-01-01T00:00:00.000Z'::timestamptz`,
      ],
      ['storage_2027', `("created_date") >= '2027-01-01T00:00:00.000Z'::timestamptz`],
    ]);
  });

  it('moves every table of an unsharded service to its own database, unfiltered', () => {
    const unsharded = structuredClone(bound);
    delete unsharded.services['storage']!.sharding;
    const plan = planCutover(unsharded, 'storage', storage);
    expect(plan.targets).toHaveLength(1);
    expect(plan.targets[0]).toMatchObject({ name: 'storage', kind: 'database', reverseTables: ['storage_objects'] });
    expect(plan.targets[0]!.tables[0]!.filter).toBeUndefined();
  });

  it('refuses a sharding key the model does not have, naming it', () => {
    const wrong = structuredClone(bound);
    wrong.services['smartcontracts']!.sharding!.key = 'accountId';
    expect(() => planCutover(wrong, 'smartcontracts', smartcontracts)).toThrow(/sharded by "accountId"/);
  });
});
