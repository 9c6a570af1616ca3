import { DataError } from '@neo/topology';

/** Stable codes of the topology runtime's errors, for callers that branch on them. */
export type TopologyRuntimeErrorCode =
  | 'RUNTIME_BINARIES_MISSING'
  | 'RUNTIME_COMMAND_FAILED'
  | 'RUNTIME_SERVER_START_FAILED'
  | 'RUNTIME_REPLICA_NOT_STREAMING'
  | 'RUNTIME_FAILOVER_REFUSED'
  | 'RUNTIME_REJOIN_REFUSED'
  | 'RUNTIME_DATA_DIR_IN_USE'
  | 'RUNTIME_DIR_UNREACHABLE'
  | 'RUNTIME_UNKNOWN_NODE'
  | 'RUNTIME_UNKNOWN_CLUSTER'
  | 'RUNTIME_PROVIDER_UNAVAILABLE'
  | 'RUNTIME_EXTERNAL_URL_MISSING'
  | 'RUNTIME_EXTERNAL_URL_INVALID'
  | 'RUNTIME_BAD_OPTION'
  | 'RUNTIME_LOGIN_NOT_PRIVILEGED';

/** Something went wrong while bringing real PostgreSQL servers up or down. */
export class TopologyRuntimeError extends DataError {
  constructor(code: TopologyRuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
