import { Prisma, type Feed, type FeedValue } from '../generated/prisma/client.js';
import type { OracleDb } from '../oracle-db.js';

type NewFeedValueRow = Omit<FeedValue, 'value'> & { value: string };

/**
 * An in-memory stand-in for the oracle client, for unit tests. It understands only the call
 * shapes FeedsService makes and behaves as PostgreSQL would for them (unique feed names → P2002;
 * id order). `reads` counts the reads, so tests can see what the cache saved.
 */
export class FakeOracleDb {
  readonly feeds = new Map<string, Feed>();
  readonly values: FeedValue[] = [];
  reads = 0;

  readonly feed = {
    create: async ({ data }: { data: Feed }): Promise<Feed> => {
      if ([...this.feeds.values()].some((feed) => feed.name === data.name)) {
        throw Object.assign(new Error('Unique constraint failed on the fields: (`name`)'), { code: 'P2002' });
      }
      this.feeds.set(data.id, { ...data });
      return { ...data };
    },
    findUnique: async ({ where, include }: { where: { id: string }; include?: { values: { take: number } } }) => {
      this.reads++;
      const feed = this.feeds.get(where.id);
      if (!feed) return null;
      if (!include) return { ...feed };
      return { ...feed, values: this.valuesOf(feed.id).slice(0, include.values.take) };
    },
    findMany: async ({ where, take }: { where: { id?: { gt: string } }; take: number }): Promise<Feed[]> => {
      this.reads++;
      return [...this.feeds.values()]
        .filter((feed) => where.id === undefined || feed.id > where.id.gt)
        .sort((a, b) => a.id.localeCompare(b.id))
        .slice(0, take);
    },
  };

  readonly feedValue = {
    create: async ({ data }: { data: NewFeedValueRow }): Promise<FeedValue> => {
      const row: FeedValue = { ...data, value: new Prisma.Decimal(data.value) };
      this.values.push(row);
      return { ...row };
    },
    findMany: async ({ where, take }: { where: { feedId: string; id?: { lt: string } }; take: number }): Promise<FeedValue[]> => {
      this.reads++;
      return this.valuesOf(where.feedId)
        .filter((value) => where.id === undefined || value.id < where.id.lt)
        .slice(0, take);
    },
  };

  /** Newest first. */
  private valuesOf(feedId: string): FeedValue[] {
    return this.values.filter((value) => value.feedId === feedId).sort((a, b) => b.id.localeCompare(a.id));
  }

  asOracleDb(): OracleDb {
    return this as unknown as OracleDb;
  }
}
