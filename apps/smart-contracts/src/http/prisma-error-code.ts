/**
 * The Prisma error code (`P2002`, `P2003`, …) of an error or of one of its causes: a call that
 * ran on several shards wraps the failing shard's Prisma error in a `ShardQueryError`.
 */
export function prismaErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current !== null && typeof current === 'object' && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^P\d{4}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
