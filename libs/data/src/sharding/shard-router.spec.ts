import { describe, expect, it } from 'vitest';
import type { Sharding } from '@neo/topology';
import { assertStaysOnShard } from './bound-shard-guard.js';
import { ShardRouter } from './shard-router.js';
import { CrossShardTransactionError, ShardingConfigError, ShardKeyRequiredError, UnroutableCallError } from './sharding.errors.js';

const sharding: Sharding = {
  strategy: 'modulo',
  key: 'userId',
  models: ['Transaction'],
  referenceModels: ['Contract'],
  singleModels: { AuditEntry: 's1' },
  modulus: 2,
  shards: [
    { name: 's0', database: 'd0', remainder: 0 },
    { name: 's1', database: 'd1', remainder: 1 },
  ],
};
const router = new ShardRouter(sharding);

describe('ShardRouter', () => {
  it('places models by their declaration and refuses the others', () => {
    expect(router.destinationOf('AuditEntry', 'findMany', {})).toEqual({ kind: 'shards', shards: ['s1'] });
    expect(router.destinationOf('Contract', 'create', { data: {} })).toEqual({ kind: 'shards', shards: ['s0', 's1'] });
    expect(router.destinationOf('Contract', 'findMany', {})).toEqual({ kind: 'all' });
    expect(() => router.destinationOf('Unknown', 'findMany', {})).toThrow(UnroutableCallError);
  });

  it('routes new rows by their key and refuses rows without one', () => {
    expect(router.destinationOf('Transaction', 'createMany', { data: [{ userId: 2 }, { userId: 4 }] })).toEqual({
      kind: 'shards',
      shards: ['s0'],
    });
    expect(() => router.destinationOf('Transaction', 'create', { data: { amount: 1 } })).toThrow(ShardKeyRequiredError);
  });

  it('refuses an update that would move a row to another shard', () => {
    expect(() => router.checkKeyUpdate('Transaction', 'update', { userId: 3 }, ['s0'])).toThrow(/Delete the row and create it/);
    expect(() => router.checkKeyUpdate('Transaction', 'update', { userId: 2 }, ['s0'])).not.toThrow();
    expect(() => router.checkKeyUpdate('Transaction', 'update', { userId: { increment: 2 } }, ['s0'])).toThrow(UnroutableCallError);
  });

  it('refuses a model declared twice or a single model on an unknown shard', () => {
    expect(() => new ShardRouter({ ...sharding, referenceModels: ['Transaction'] })).toThrow(ShardingConfigError);
    expect(() => new ShardRouter({ ...sharding, singleModels: { AuditEntry: 's9' } })).toThrow(/does not declare/);
  });
});

describe('calls bound to one shard', () => {
  it('pass when they stay on the shard or name no key', () => {
    expect(() => assertStaysOnShard(router, 's1', 'Transaction', 'create', { data: { userId: 3 } })).not.toThrow();
    expect(() => assertStaysOnShard(router, 's1', 'Transaction', 'updateMany', { where: { status: 'x' }, data: {} })).not.toThrow();
    expect(() => assertStaysOnShard(router, 's1', 'Contract', 'findMany', {})).not.toThrow();
  });

  it('are refused when they belong on another shard, or write a reference model', () => {
    expect(() => assertStaysOnShard(router, 's1', 'Transaction', 'create', { data: { userId: 2 } })).toThrow(CrossShardTransactionError);
    expect(() => assertStaysOnShard(router, 's1', 'Transaction', 'findMany', { where: { userId: { in: [1, 2] } } })).toThrow(
      CrossShardTransactionError,
    );
    expect(() => assertStaysOnShard(router, 's0', 'AuditEntry', 'create', { data: {} })).toThrow(CrossShardTransactionError);
    expect(() => assertStaysOnShard(router, 's0', 'Contract', 'create', { data: { id: 1 } })).toThrow(/reference model/);
  });
});
