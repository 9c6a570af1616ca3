import { test } from 'vitest';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';
test('probe', async () => {
  const pool = new pg.Pool({ connectionString: 'postgresql://postgres@127.0.0.1:5432/neo_fwprobe_1' });
  const client = new PrismaClient({ adapter: new PrismaPg(pool as never) });
  const p = client.storageObject.create({ data: { bucket: 'b', key: 'k', contentType: 'x', sizeBytes: 1, checksum: 'c', createdDate: new Date() } as never });
  console.log('tag', Object.prototype.toString.call(p), Object.keys(p), typeof (p as any).requestTransaction);
  try { await p; } catch (e: any) { console.log('ERR', e.constructor.name, e.code, JSON.stringify(e.meta), e.cause, Object.keys(e), e.message); }
  try { await client.$transaction(async (tx) => { await tx.storageObject.deleteMany({}); }); } catch (e: any) { console.log('ERR2', e.constructor.name, e.code, JSON.stringify(e.meta)); }
  await client.$disconnect(); await pool.end();
});
