import { DataError } from '@neo/topology';

/** Stable codes of the cutover engine's errors; operators and scripts branch on them. */
export type CutoverErrorCode =
  /** The step is not allowed in the service's current phase (e.g. switch-writes before copy). */
  | 'CUTOVER_WRONG_PHASE'
  /** verify found differences; the message names each. */
  | 'CUTOVER_VERIFY_FAILED'
  /** A subscription is missing, disabled or has no running worker. */
  | 'CUTOVER_REPLICATION_BROKEN'
  /** A target already holds rows that replication did not put there. */
  | 'CUTOVER_TARGET_NOT_EMPTY'
  /** The servers cannot run the subscriptions this cutover needs (worker or slot limits). */
  | 'CUTOVER_SERVER_LIMITS'
  /**
   * Running write transactions did not end in time for the fence, or the new side did not catch up in time; nothing was switched.
   * (finish: transactions on a table did not end in time for it to be detached from its replication alias.)
   */
  | 'CUTOVER_FENCE_TIMEOUT'
  /** The write fence failed for another reason than time (the message says which); nothing was switched. */
  | 'CUTOVER_FENCE_FAILED'
  /** The initial copy did not finish in time (it continues on the servers; rerun copy to wait again). */
  | 'CUTOVER_COPY_TIMEOUT'
  /** The service cannot be moved as declared (e.g. no Prisma schema, a model without a table). */
  | 'CUTOVER_UNSUPPORTED'
  /** A flag could not be read or written. */
  | 'CUTOVER_FLAGS_FAILED'
  /** finish was asked for before the reverse replication's retention is over; the message says how many days are left (--force overrides). */
  | 'CUTOVER_TOO_EARLY';

/** An error of the cutover engine: says what is wrong and how to go on, keeps `cause`. */
export class CutoverError extends DataError {
  constructor(
    override readonly code: CutoverErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
