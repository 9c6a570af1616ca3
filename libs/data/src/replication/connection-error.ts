/**
 * Whether an error means "could not talk to the server" (refused, reset, timed out, server
 * shutting down, pool exhausted while connecting) rather than "the server answered with an
 * error". Only the first kind opens a circuit breaker or justifies retrying a read elsewhere.
 *
 * Errors arrive in several shapes: node-postgres/`net` errors, PostgreSQL SQLSTATEs, the
 * driver-adapter error Prisma builds from them, and Prisma's own client errors that wrap it;
 * the check walks `cause` and Prisma's `meta.driverAdapterError` to find the root.
 */
export function isConnectionError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    if (looksLikeConnectionFailure(current as Record<string, unknown>)) return true;
    current = nextInChain(current as Record<string, unknown>);
  }
  return false;
}

/**
 * Whether the error happened while opening a connection, so the statement never reached the
 * server (refused, unknown host, connect timeout, server starting or full). Unlike a connection
 * lost mid-statement, such a write certainly did not commit.
 */
export function isConnectFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    const code = typeof record['code'] === 'string' ? record['code'] : undefined;
    if (code !== undefined && connectCodes.has(code)) return true;
    if (record['kind'] === 'DatabaseNotReachable') return true;
    const message = record['message'];
    if (typeof message === 'string' && /timeout exceeded when trying to connect/i.test(message)) return true;
    current = nextInChain(record);
  }
  return false;
}

/** Codes that only occur before a statement is sent: socket connect failures, P1001, 57P03, 53300. */
const connectCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'P1001', '57P03', '53300']);

/** Prisma client error codes for an unreachable server, a closed connection, timeouts, pool exhaustion. */
const prismaCodes = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** Prisma driver-adapter error kinds with the same meaning. */
const adapterKinds = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** Socket-level errno codes. */
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/**
 * SQLSTATEs: class 08 (connection exception), 57P01-57P03 (admin/crash shutdown, cannot connect
 * now: the server is stopping or starting), 53300 (too many connections).
 */
function isConnectionSqlState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}
/** node-postgres reports these without a code. */
const driverMessages = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Connection closed/i,
  // `query_timeout`: the server accepted the statement and never answered (hung or stopped host).
  /Query read timeout/i,
];

function looksLikeConnectionFailure(error: Record<string, unknown>): boolean {
  const code = typeof error['code'] === 'string' ? error['code'] : undefined;
  if (code !== undefined) {
    if (prismaCodes.has(code) || socketCodes.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && isConnectionSqlState(code)) return true;
  }
  const kind = error['kind'];
  if (typeof kind === 'string') {
    if (adapterKinds.has(kind)) return true;
    if (kind === 'postgres' && typeof error['code'] === 'string' && isConnectionSqlState(error['code'])) return true;
  }
  const originalCode = error['originalCode'];
  if (typeof originalCode === 'string' && isConnectionSqlState(originalCode)) return true;
  // A Prisma "unknown request error" carries only the driver's message.
  const message = error['message'];
  return typeof message === 'string' && code === undefined && driverMessages.some((pattern) => pattern.test(message));
}

/**
 * Whether the server refused a statement because the transaction is read-only (SQLSTATE 25006
 * `read_only_sql_transaction`): a write reached a node in recovery, or a primary fenced with
 * `default_transaction_read_only`. Nothing was written; the primary is elsewhere now.
 */
export function isReadOnlyTransactionError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current !== null && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const record = current as Record<string, unknown>;
    if (record['code'] === '25006' || record['originalCode'] === '25006') return true;
    current = nextInChain(record);
  }
  return false;
}

function nextInChain(error: Record<string, unknown>): unknown {
  const meta = error['meta'];
  if (meta !== null && typeof meta === 'object' && 'driverAdapterError' in meta)
    return (meta as Record<string, unknown>)['driverAdapterError'];
  return error['cause'];
}
