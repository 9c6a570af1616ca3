import { Injectable } from '@nestjs/common';
import { InjectDataCache, InjectDataClient } from '@neo/data/nest';
import { Uuidv7Generator, withReadConsistency, type Cache } from '@neo/data';
import type { OracleDb } from '../oracle-db.js';
import { toFeedResponse, toValueResponse, type FeedResponse, type FeedValueResponse, type Page } from './dto/feed.response.js';
import { FeedAlreadyExistsError, FeedHasNoValuesError, FeedNotFoundError } from './feed.errors.js';
import { canonicalValue } from './feed-value.js';
import { decodeValuesCursor, encodeValuesCursor } from './values-cursor.js';

export interface NewFeed {
  name: string;
  description?: string | null;
  decimals: number;
  source: string;
}

export interface NewFeedValue {
  /** Decimal string. */
  value: string;
  /** The publication time when absent. */
  observedAt?: Date;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** The cache key of a feed's latest value; every publication to the feed invalidates it. */
export function latestValueKey(feedId: string): string {
  return `feed:${feedId}:latest`;
}

/**
 * Oracle data feeds and their values: plain Prisma calls on the client the data module gives.
 * Reads go to the replicas (the data layer picks a fresh one, and the primary right after this
 * user's own writes); the latest value of a feed is read through the cache, which each
 * publication invalidates after it commits.
 */
@Injectable()
export class FeedsService {
  constructor(
    @InjectDataClient() private readonly db: OracleDb,
    @InjectDataCache() private readonly cache: Cache,
    private readonly ids: Uuidv7Generator,
  ) {}

  async register(input: NewFeed): Promise<FeedResponse> {
    try {
      const feed = await this.db.feed.create({
        data: {
          id: this.ids.next(),
          name: input.name,
          description: input.description ?? null,
          decimals: input.decimals,
          source: input.source,
          createdAt: new Date(),
        },
      });
      return toFeedResponse(feed);
    } catch (error) {
      if (isUniqueViolation(error)) throw new FeedAlreadyExistsError(input.name, { cause: error });
      throw error;
    }
  }

  async get(feedId: string): Promise<FeedResponse> {
    const feed = await this.db.feed.findUnique({ where: { id: feedId } });
    if (!feed) throw new FeedNotFoundError(feedId);
    return toFeedResponse(feed);
  }

  /** Every feed, oldest first (registration order), `limit` at a time. */
  async list(page: PageRequest): Promise<Page<FeedResponse>> {
    const after = page.cursor === undefined ? undefined : decodeValuesCursor(page.cursor);
    const rows = await this.db.feed.findMany({
      where: after === undefined ? {} : { id: { gt: after } },
      orderBy: { id: 'asc' },
      // One more than asked tells whether another page exists without a count query.
      take: page.limit + 1,
    });
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return { items: items.map(toFeedResponse), nextCursor: rows.length > page.limit && last ? encodeValuesCursor(last.id) : null };
  }

  async publish(feedId: string, input: NewFeedValue): Promise<FeedValueResponse> {
    // On the primary: a feed registered a moment ago by another user may not be on the replicas yet.
    const feed = await withReadConsistency('primary', () => this.db.feed.findUnique({ where: { id: feedId } }));
    if (!feed) throw new FeedNotFoundError(feedId);
    const value = canonicalValue(input.value, feed.decimals);
    const publishedAt = new Date();
    const row = await this.db.feedValue.create({
      data: {
        id: this.ids.next(),
        feedId,
        value,
        observedAt: input.observedAt ?? publishedAt,
        publishedAt,
      },
    });
    // After the commit, never before: see ReadThroughCache for why no reader can then cache an older value.
    await this.cache.invalidate(latestValueKey(feedId));
    return toValueResponse(row, feed.decimals);
  }

  /** The most recently published value of a feed, read through the cache. */
  async latest(feedId: string): Promise<FeedValueResponse> {
    const latest = await this.cache.getOrLoad(latestValueKey(feedId), () => this.loadLatest(feedId));
    if (latest === null) throw new FeedHasNoValuesError(feedId);
    return latest;
  }

  /** A feed's values, newest first, `limit` at a time. */
  async history(feedId: string, page: PageRequest): Promise<Page<FeedValueResponse>> {
    const before = page.cursor === undefined ? undefined : decodeValuesCursor(page.cursor);
    const [feed, rows] = await Promise.all([
      this.db.feed.findUnique({ where: { id: feedId } }),
      this.db.feedValue.findMany({
        where: { feedId, ...(before === undefined ? {} : { id: { lt: before } }) },
        orderBy: { id: 'desc' },
        take: page.limit + 1,
      }),
    ]);
    if (!feed) throw new FeedNotFoundError(feedId);
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map((row) => toValueResponse(row, feed.decimals)),
      nextCursor: rows.length > page.limit && last ? encodeValuesCursor(last.id) : null,
    };
  }

  /** `null` (cached like a value) when the feed exists but has none yet; a missing feed is an error, never cached. */
  private async loadLatest(feedId: string): Promise<FeedValueResponse | null> {
    const feed = await this.db.feed.findUnique({
      where: { id: feedId },
      include: { values: { orderBy: { id: 'desc' }, take: 1 } },
    });
    if (!feed) throw new FeedNotFoundError(feedId);
    const [newest] = feed.values;
    return newest ? toValueResponse(newest, feed.decimals) : null;
  }
}

/** Prisma's P2002: a unique constraint (here: the feed name) refused the row. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'P2002';
}
