/**
 * Base class of every error the data layer throws on purpose. Each carries a stable
 * `code` callers can branch on, a message that says what is wrong and how to fix it,
 * and the underlying `cause` (never a password: messages are built from redacted parts).
 */
export class DataError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
