import { newestFirstPages } from '@neo/data';
import { InvalidCursorError } from './invalid-cursor.error.js';

export type { Page } from '@neo/data';

/**
 * Newest-first pages by (createdAt, id): the same cursor pages one shard and a listing merged from
 * every shard (the merge orders by the same two fields). A cursor it did not make is an `InvalidCursorError`.
 */
export const pages = newestFirstPages('createdAt', (options) => new InvalidCursorError(options));
