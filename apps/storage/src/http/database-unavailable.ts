/** Prisma error codes that mean "the database cannot be reached now", not "the request is wrong". */
const UNAVAILABLE_CODES = new Set([
  'P1001', // can't reach database server
  'P1002', // server reached but timed out
  'P1008', // operation timed out
  'P1017', // server closed the connection
  'P2024', // timed out waiting for a pooled connection
]);

const UNAVAILABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** True when a Prisma error says the database is down or overloaded: the service answers 503, and a retry may succeed. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta } = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } };
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  const kind = meta?.driverAdapterError?.cause?.kind;
  return typeof kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(kind);
}
