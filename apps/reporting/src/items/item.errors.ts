import { DataError } from '@neo/data';

/** No item has this id. */
export class ItemNotFoundError extends DataError {
  constructor(readonly itemId: string) {
    super('REPORTING_ITEM_NOT_FOUND', `no item with id ${itemId}; list the items with GET /items`);
  }
}

/** Item names are unique. */
export class ItemAlreadyExistsError extends DataError {
  constructor(name: string, options?: { cause?: unknown }) {
    super('REPORTING_ITEM_EXISTS', `an item named ${JSON.stringify(name)} already exists; choose another name`, options);
  }
}

/** A `cursor` not produced by this service (or corrupted on the way). */
export class InvalidItemsCursorError extends DataError {
  constructor(options?: { cause?: unknown }) {
    super('REPORTING_INVALID_CURSOR', 'cursor is malformed: pass the nextCursor of the previous page unchanged', options);
  }
}
