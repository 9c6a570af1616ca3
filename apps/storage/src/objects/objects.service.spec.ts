import { beforeEach, describe, expect, it } from 'vitest';
import { Uuidv7Generator, uuidv7Time } from '@neo/data';
import { FakeStorageDb } from './fake-storage-db.js';
import { ObjectsService } from './objects.service.js';
import { InvalidCursorError, ObjectAlreadyExistsError, ObjectNotFoundError } from './storage-object.errors.js';

const HASH = 'a'.repeat(64);

describe('ObjectsService', () => {
  let db: FakeStorageDb;
  let now: number;
  let service: ObjectsService;

  beforeEach(() => {
    db = new FakeStorageDb();
    now = Date.UTC(2025, 0, 1);
    service = new ObjectsService(db.asStorageDb(), new Uuidv7Generator(() => now));
  });

  it('creates an object with an application id whose instant is its created date', async () => {
    const created = await service.create({ key: 'a.txt', owner: 'alice', size: 12, contentHash: HASH });
    expect(created).toMatchObject({ key: 'a.txt', owner: 'alice', size: 12n, contentHash: HASH, contentType: null });
    expect(created.createdDate).toEqual(uuidv7Time(created.id));
    expect(created.createdDate.getTime()).toBe(now);
    expect(await service.get(created.id)).toEqual(created);
  });

  it('refuses a second object with the same owner and key', async () => {
    await service.create({ key: 'a.txt', owner: 'alice', size: 1, contentHash: HASH });
    await expect(service.create({ key: 'a.txt', owner: 'alice', size: 2, contentHash: HASH })).rejects.toBeInstanceOf(
      ObjectAlreadyExistsError,
    );
    // Another owner may use the key.
    await expect(service.create({ key: 'a.txt', owner: 'bob', size: 2, contentHash: HASH })).resolves.toBeDefined();
  });

  it('lists an owner’s objects newest first, page by page, ending with a null cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      now += i % 2; // some objects share a millisecond
      ids.push((await service.create({ key: `k${i}`, owner: 'alice', size: i, contentHash: HASH })).id);
    }
    await service.create({ key: 'other', owner: 'bob', size: 1, contentHash: HASH });

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await service.list({ owner: 'alice', limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);

    expect(seen).toEqual([...ids].reverse());
    expect(pages).toBe(3);
  });

  it('gives no next cursor when the page is exactly the rest', async () => {
    for (let i = 0; i < 3; i++) await service.create({ key: `k${i}`, owner: 'alice', size: i, contentHash: HASH });
    const page = await service.list({ owner: 'alice', limit: 3 });
    expect(page.items).toHaveLength(3);
    expect(page.nextCursor).toBeNull();
  });

  it('refuses a malformed cursor', async () => {
    await expect(service.list({ owner: 'alice', limit: 3, cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('deletes once, then reports the object missing', async () => {
    const { id } = await service.create({ key: 'a.txt', owner: 'alice', size: 1, contentHash: HASH });
    await service.delete(id);
    await expect(service.delete(id)).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(service.get(id)).rejects.toBeInstanceOf(ObjectNotFoundError);
  });
});
