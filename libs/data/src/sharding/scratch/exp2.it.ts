import { startScratchPostgres } from '@neo/topology-runtime';
import { test } from 'vitest';
import { createShardedFixture } from '../test-support/sharded-fixture.js';

test('explore', async () => {
  const server = await startScratchPostgres();
  const f = await createShardedFixture(server, { shardCount: 1 });
  try {
    const p = f.single;
    const show = async (label: string, fn: () => Promise<unknown>) => { try { console.log(label, JSON.stringify(await fn())); } catch (e) { console.log(label, 'ERR', (e as Error).message.split('\n').slice(-3).join(' | ')); } };
    await show('findFirst take -2 empty', () => p.transaction.findFirst({ orderBy: [{ id: 'asc' }], take: -2 }));
    await show('count cursor empty', () => p.transaction.count({ orderBy: [{ fee: 'asc' }, { id: 'asc' }], cursor: { id: '00000000-0000-7000-8000-000000000000' } }));
    await p.transaction.createMany({ data: [0,1,2,3].map(i => ({ id: `00000000-0000-7000-8000-00000000000${i}`, userId: i, status: 's', amount: i, createdAt: new Date() })) });
    await show('findFirst take -2', () => p.transaction.findFirst({ orderBy: [{ id: 'asc' }], take: -2 }));
    await show('findFirst take 2 skip 1', () => p.transaction.findFirst({ orderBy: [{ id: 'asc' }], take: 2, skip: 1 }));
    await show('count cursor', () => p.transaction.count({ orderBy: [{ fee: 'asc' }, { id: 'asc' }], cursor: { id: '00000000-0000-7000-8000-000000000001' } }));
    await show('count cursor missing', () => p.transaction.count({ orderBy: [{ fee: 'asc' }, { id: 'asc' }], cursor: { id: '00000000-0000-7000-8000-000000000009' } }));
    await show('findMany cursor no order', () => p.transaction.findMany({ cursor: { id: '00000000-0000-7000-8000-000000000002' }, select: {id: true} }));
    await show('findMany cursor no order take -1', () => p.transaction.findMany({ cursor: { id: '00000000-0000-7000-8000-000000000002' }, take: -1, select: {id: true} }));
  } finally { await f.dispose(); await server.stop(); }
});
