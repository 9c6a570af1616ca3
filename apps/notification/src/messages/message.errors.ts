import { DataError } from '@neo/data';

/** No message has this id. */
export class MessageNotFoundError extends DataError {
  constructor(readonly messageId: string) {
    super('NOTIFICATION_MESSAGE_NOT_FOUND', `no message with id ${messageId}; list the dead letters with GET /messages?status=dead`);
  }
}

/** Only a dead letter can be sent again. */
export class NotADeadLetterError extends DataError {
  constructor(messageId: string, status: string) {
    super('NOTIFICATION_NOT_DEAD', `message ${messageId} is ${status}, not dead: only a dead letter can be retried`);
  }
}

/** A `cursor` not produced by this service (or corrupted on the way). */
export class InvalidMessagesCursorError extends DataError {
  constructor(options?: { cause?: unknown }) {
    super('NOTIFICATION_INVALID_CURSOR', 'cursor is malformed: pass the nextCursor of the previous page unchanged', options);
  }
}
