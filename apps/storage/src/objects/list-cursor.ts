import { newestFirstPages } from '@neo/data';
import { InvalidCursorError } from './storage-object.errors.js';

/**
 * Newest-first pages of an owner's objects by (createdDate, id): a position, not an offset, so a
 * page stays valid when rows are added or deleted, and the same cursor pages one date-ranged shard
 * and a listing merged from several. A cursor it did not make is an `InvalidCursorError`.
 */
export const pages = newestFirstPages('createdDate', (options) => new InvalidCursorError(options));
