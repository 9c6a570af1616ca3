import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';

export type NodeProbe = { status: 'up'; latencyMs: number } | { status: 'down'; reason: string };

/**
 * Runs `SELECT 1` on a pool within `timeoutMs`. The reason of a failure is a short
 * code (`timeout`, `ECONNREFUSED`, a SQLSTATE such as `57P03`), never the driver's
 * message: health output is public, and messages can carry hosts and user names.
 */
export async function probeNode(pool: pg.Pool, timeoutMs: number): Promise<NodeProbe> {
  const started = performance.now();
  const abandon = new AbortController();
  // node-postgres honours `query_timeout` per query; its types list it only on the connection config.
  const query = pool.query({ text: 'SELECT 1', query_timeout: timeoutMs } as pg.QueryConfig);
  // The query may settle after the timer won; its outcome is then of no interest.
  query.catch(() => undefined);
  const timer = delay(timeoutMs, 'timeout' as const, { signal: abandon.signal }).catch(() => 'cancelled' as const);
  try {
    const winner = await Promise.race([query, timer]);
    if (winner === 'timeout') return { status: 'down', reason: 'timeout' };
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', reason: failureCode(error) };
  } finally {
    abandon.abort();
  }
}

function failureCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  if (error instanceof Error && /timeout/i.test(error.message)) return 'timeout';
  return 'error';
}
