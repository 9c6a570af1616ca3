import type { Feed, FeedValue } from '../../generated/prisma/client.js';

/** A feed as the API returns it. */
export interface FeedResponse {
  id: string;
  name: string;
  description: string | null;
  decimals: number;
  source: string;
  createdAt: string;
}

/** A published value: `value` a decimal string with exactly the feed's decimals, dates ISO 8601. */
export interface FeedValueResponse {
  id: string;
  feedId: string;
  value: string;
  observedAt: string;
  publishedAt: string;
}

export interface Page<T> {
  items: T[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

export function toFeedResponse(feed: Feed): FeedResponse {
  return {
    id: feed.id,
    name: feed.name,
    description: feed.description,
    decimals: feed.decimals,
    source: feed.source,
    createdAt: feed.createdAt.toISOString(),
  };
}

export function toValueResponse(value: FeedValue, decimals: number): FeedValueResponse {
  return {
    id: value.id,
    feedId: value.feedId,
    value: value.value.toFixed(decimals),
    observedAt: value.observedAt.toISOString(),
    publishedAt: value.publishedAt.toISOString(),
  };
}
