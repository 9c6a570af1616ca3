import { describe, expect, it } from 'vitest';
import { loadTopology, type TopologyInput } from '@neo/topology';
import type { PrismaModel } from '../cutover/prisma-models.js';
import { planReshard } from './reshard-plan.js';

const MODELS: PrismaModel[] = [
  { name: 'Transaction', table: 'transactions', columns: { id: 'id', userId: 'user_id' } },
  { name: 'Contract', table: 'contracts', columns: { id: 'id', name: 'name' } },
  { name: 'Setting', table: 'settings', columns: { key: 'key' } },
];

function topologyWith(sharding: Record<string, unknown>): ReturnType<typeof loadTopology> {
  const input: TopologyInput = {
    version: 1,
    clusters: {
      blockchain: { temperature: 'hot', credentials: { user: 'neo_bc' }, primary: { name: 'p1', host: '127.0.0.1', port: 5501 } },
      second: { temperature: 'hot', credentials: { user: 'neo_bc' }, primary: { name: 'p2', host: '127.0.0.1', port: 5502 } },
      monolith: { temperature: 'warm', credentials: { user: 'neo_user' }, primary: { name: 'm', host: '127.0.0.1', port: 5503 } },
    },
    services: { smartcontracts: { cluster: 'blockchain', database: 'neo_sc', sharding: sharding as never } },
    monolith: { cluster: 'monolith' },
  };
  return loadTopology({ object: input }, { env: {} });
}

const remainders = (prefix: string, count: number, cluster?: string) =>
  Array.from({ length: count }, (_, remainder) => ({
    name: `${prefix}${remainder}`,
    database: `neo_${prefix}${remainder}`,
    remainder,
    ...(cluster ? { cluster } : {}),
  }));

describe('planReshard', () => {
  it('4 → 8 by modulo: each old shard feeds the two new shards its users map to, filtered by the new predicate; back the same way', () => {
    const plan = planReshard(
      topologyWith({
        strategy: 'modulo',
        key: 'userId',
        models: ['Transaction'],
        referenceModels: ['Contract'],
        singleModels: { Setting: 'a0' },
        shards: remainders('a', 4),
        next: { modulus: 8, shards: remainders('b', 8, 'second'), singleModels: { Setting: 'b7' } },
      }),
      'smartcontracts',
      MODELS,
    );
    expect(plan.guardKey).toBe('smartcontracts~layout');
    expect(plan.forward.map((link) => link.name)).toEqual([
      'neo_rsf_smartcontracts_0_0',
      'neo_rsf_smartcontracts_0_4',
      'neo_rsf_smartcontracts_0_7',
      'neo_rsf_smartcontracts_1_1',
      'neo_rsf_smartcontracts_1_5',
      'neo_rsf_smartcontracts_2_2',
      'neo_rsf_smartcontracts_2_6',
      'neo_rsf_smartcontracts_3_3',
      'neo_rsf_smartcontracts_3_7',
    ]);
    const toFive = plan.forward.find((link) => link.name === 'neo_rsf_smartcontracts_1_5')!;
    expect(toFive.tables).toEqual([{ table: 'transactions', filter: expect.stringMatching(/"user_id".*8.*5/) }, { table: 'contracts' }]);
    // The single model moves from a0 to b7 on a link of its own (a0 shares no users with b7).
    expect(plan.forward.find((link) => link.name === 'neo_rsf_smartcontracts_0_7')!.tables).toEqual([{ table: 'settings' }]);
    // Back to a1 from b1 and b5, filtered by the old predicate; contracts from b1 only.
    expect(plan.reverse.find((link) => link.name === 'neo_rsr_smartcontracts_5_1')!.tables).toEqual([
      { table: 'transactions', filter: expect.stringMatching(/"user_id".*4.*1/) },
    ]);
    expect(plan.reverse.find((link) => link.name === 'neo_rsr_smartcontracts_1_1')!.tables.map((table) => table.table)).toEqual([
      'transactions',
      'contracts',
    ]);
    expect(plan.next[0]!.node).toMatchObject({ cluster: 'second', database: 'neo_b0' });
    expect(plan.expectations.find((entry) => entry.shard === 'b6' && entry.table === 'transactions')!.sources.map((s) => s.shard)).toEqual([
      'a2',
    ]);
  });

  it("a hash key range split in two moves only the split shard's rows; a range split likewise", () => {
    const hash = planReshard(
      topologyWith({
        strategy: 'hash',
        key: 'userId',
        models: ['Transaction'],
        shards: [
          { name: 'h1', database: 'neo_h1', keyRange: '-80' },
          { name: 'h2', database: 'neo_h2', keyRange: '80-' },
        ],
        next: {
          shards: [
            { name: 'k1', database: 'neo_k1', keyRange: '-80' },
            { name: 'k2', database: 'neo_k2', keyRange: '80-c0' },
            { name: 'k3', database: 'neo_k3', keyRange: 'c0-' },
          ],
        },
      }),
      'smartcontracts',
      MODELS,
    );
    expect(hash.forward.map((link) => link.name)).toEqual([
      'neo_rsf_smartcontracts_0_0',
      'neo_rsf_smartcontracts_1_1',
      'neo_rsf_smartcontracts_1_2',
    ]);

    const range = planReshard(
      topologyWith({
        strategy: 'range',
        key: 'userId',
        models: ['Transaction'],
        shards: [
          { name: 'r1', database: 'neo_r1', range: { from: 0, to: 1000 } },
          { name: 'r2', database: 'neo_r2', range: { from: 1000 } },
        ],
        next: {
          shards: [
            { name: 's1', database: 'neo_s1', range: { from: 0, to: 1000 } },
            { name: 's2', database: 'neo_s2', range: { from: 1000, to: 5000 } },
            { name: 's3', database: 'neo_s3', range: { from: 5000 } },
          ],
        },
      }),
      'smartcontracts',
      MODELS,
    );
    expect(range.forward.map((link) => link.name)).toEqual([
      'neo_rsf_smartcontracts_0_0',
      'neo_rsf_smartcontracts_1_1',
      'neo_rsf_smartcontracts_1_2',
    ]);
  });

  it('refuses a service without a next layout, saying what to add', () => {
    expect(() =>
      planReshard(
        topologyWith({ strategy: 'modulo', key: 'userId', models: ['Transaction'], shards: remainders('a', 2) }),
        'smartcontracts',
        MODELS,
      ),
    ).toThrow(/declares no next shard layout: add "sharding.next/);
  });
});
