import { DataError } from '@neo/data';

/** No report definition has this id. */
export class DefinitionNotFoundError extends DataError {
  constructor(readonly definitionId: string) {
    super('REPORTING_DEFINITION_NOT_FOUND', `no report definition with id ${definitionId}; list them with GET /definitions`);
  }
}

/** Definition names are unique. */
export class DefinitionAlreadyExistsError extends DataError {
  constructor(name: string, options?: { cause?: unknown }) {
    super('REPORTING_DEFINITION_EXISTS', `a report definition named ${JSON.stringify(name)} already exists; choose another name`, options);
  }
}

/** A `cursor` not produced by this service (or corrupted on the way). */
export class InvalidCursorError extends DataError {
  constructor(options?: { cause?: unknown }) {
    super('REPORTING_INVALID_CURSOR', 'cursor is malformed: pass the nextCursor of the previous page unchanged', options);
  }
}
