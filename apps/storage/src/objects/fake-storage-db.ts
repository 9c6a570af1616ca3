import type { StorageObject } from '../generated/prisma/client.js';
import type { StorageDb } from '../storage-db.js';

interface KeysetWhere {
  owner: string;
  OR?: [{ createdDate: { lt: Date } }, { createdDate: Date; id: { lt: string } }];
}

/**
 * An in-memory stand-in for the storage client, for unit tests. It understands only
 * the call shapes ObjectsService makes, and behaves as PostgreSQL would for them
 * (unique owner + key → P2002; newest-first keyset order).
 */
export class FakeStorageDb {
  readonly rows = new Map<string, StorageObject>();

  readonly storageObject = {
    create: async ({ data }: { data: StorageObject }): Promise<StorageObject> => {
      for (const row of this.rows.values()) {
        if (row.owner === data.owner && row.key === data.key) {
          throw Object.assign(new Error('Unique constraint failed on the fields: (`owner`,`key`)'), { code: 'P2002' });
        }
      }
      const row = { ...data };
      this.rows.set(row.id, row);
      return { ...row };
    },
    findUnique: async ({ where }: { where: { id: string } }): Promise<StorageObject | null> => {
      const row = this.rows.get(where.id);
      return row ? { ...row } : null;
    },
    findFirst: async ({
      where,
    }: {
      where: { id?: string; createdDate?: Date; owner?: string; key?: string };
    }): Promise<StorageObject | null> => {
      const row = [...this.rows.values()].find(
        (candidate) =>
          (where.id === undefined || candidate.id === where.id) &&
          (where.createdDate === undefined || candidate.createdDate.getTime() === where.createdDate.getTime()) &&
          (where.owner === undefined || candidate.owner === where.owner) &&
          (where.key === undefined || candidate.key === where.key),
      );
      return row ? { ...row } : null;
    },
    findMany: async ({ where, take }: { where: KeysetWhere; take: number }): Promise<StorageObject[]> => {
      const after = where.OR?.[1];
      return [...this.rows.values()]
        .filter((row) => row.owner === where.owner)
        .filter(
          (row) =>
            !after ||
            row.createdDate < after.createdDate ||
            (row.createdDate.getTime() === after.createdDate.getTime() && row.id < after.id.lt),
        )
        .sort((a, b) => b.createdDate.getTime() - a.createdDate.getTime() || (a.id < b.id ? 1 : -1))
        .slice(0, take)
        .map((row) => ({ ...row }));
    },
    deleteMany: async ({ where }: { where: { id: string; createdDate?: Date } }): Promise<{ count: number }> => {
      const row = this.rows.get(where.id);
      if (!row || (where.createdDate !== undefined && row.createdDate.getTime() !== where.createdDate.getTime())) return { count: 0 };
      this.rows.delete(where.id);
      return { count: 1 };
    },
  };

  asStorageDb(): StorageDb {
    return this as unknown as StorageDb;
  }
}
