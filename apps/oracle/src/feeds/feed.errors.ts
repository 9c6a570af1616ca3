import { DataError } from '@neo/data';

/** No feed has this id. */
export class FeedNotFoundError extends DataError {
  constructor(readonly feedId: string) {
    super('ORACLE_FEED_NOT_FOUND', `no feed with id ${feedId}; list the feeds with GET /feeds`);
  }
}

/** Feed names are unique. */
export class FeedAlreadyExistsError extends DataError {
  constructor(name: string, options?: { cause?: unknown }) {
    super('ORACLE_FEED_EXISTS', `a feed named ${JSON.stringify(name)} already exists; choose another name`, options);
  }
}

/** The feed exists but nothing was published for it yet. */
export class FeedHasNoValuesError extends DataError {
  constructor(readonly feedId: string) {
    super('ORACLE_FEED_HAS_NO_VALUES', `feed ${feedId} has no values yet; publish one with POST /feeds/${feedId}/values`);
  }
}

/** A value that does not fit its feed (too many decimal places, out of range). */
export class InvalidFeedValueError extends DataError {
  constructor(message: string) {
    super('ORACLE_INVALID_VALUE', message);
  }
}

/** A `cursor` not produced by this service (or corrupted on the way). */
export class InvalidValuesCursorError extends DataError {
  constructor(options?: { cause?: unknown }) {
    super('ORACLE_INVALID_CURSOR', 'cursor is malformed: pass the nextCursor of the previous page unchanged', options);
  }
}
