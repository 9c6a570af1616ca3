import { DataError } from '@neo/topology';

/** A partitioned table cannot be maintained as asked (not partitioned, wrong kind, …). */
export class PartitioningError extends DataError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PARTITIONING_FAILED', message, options);
  }
}
