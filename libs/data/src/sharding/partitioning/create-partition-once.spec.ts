import { describe, expect, it } from 'vitest';
import { createPartitionOnce } from './create-partition-once.js';

const failingWith = (code: string) => ({ query: () => Promise.reject(Object.assign(new Error(`failed ${code}`), { code })) });

describe('createPartitionOnce', () => {
  it('is true when it made the partition', async () => {
    expect(await createPartitionOnce({ query: () => Promise.resolve({ rows: [] }) }, 'CREATE TABLE …')).toBe(true);
  });

  it('is false when another session made the same partition first (duplicate table, or the catalog unique index)', async () => {
    expect(await createPartitionOnce(failingWith('42P07'), 'CREATE TABLE …')).toBe(false);
    expect(await createPartitionOnce(failingWith('23505'), 'CREATE TABLE …')).toBe(false);
  });

  it('passes on any other failure', async () => {
    await expect(createPartitionOnce(failingWith('42P17'), 'CREATE TABLE …')).rejects.toThrow('failed 42P17');
  });
});
