import { DataError } from '@neo/data';

/** No job has this id. */
export class JobNotFoundError extends DataError {
  constructor(readonly jobId: string) {
    super('AUTOMATION_JOB_NOT_FOUND', `no job with id ${jobId}`);
  }
}

/** Job names are unique. */
export class JobAlreadyExistsError extends DataError {
  constructor(name: string, options?: { cause?: unknown }) {
    super('AUTOMATION_JOB_EXISTS', `a job named ${JSON.stringify(name)} already exists; choose another name`, options);
  }
}

/** A `cursor` not produced by this service (or corrupted on the way). */
export class InvalidRunsCursorError extends DataError {
  constructor(options?: { cause?: unknown }) {
    super('AUTOMATION_INVALID_CURSOR', 'cursor is malformed: pass the nextCursor of the previous page unchanged', options);
  }
}
