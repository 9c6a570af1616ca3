import { DataError } from '@neo/topology';

/** A write was made through `$replica()`, which only reads. */
export class ReplicaWriteError extends DataError {
  static readonly code = 'REPLICA_WRITE';

  constructor(operation: string) {
    super(
      ReplicaWriteError.code,
      `"${operation}" writes, but it was called on $replica(), which serves reads only. Call it on the client itself (or on $primary()).`,
    );
  }
}
