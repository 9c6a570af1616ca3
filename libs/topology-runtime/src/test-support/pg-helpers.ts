import { realpath, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export interface Endpoint {
  host: string;
  port: number;
}

/** Runs one query on a fresh connection and returns its rows. */
export async function queryRows<T extends pg.QueryResultRow>(
  endpoint: Endpoint,
  login: { user: string; password?: string | undefined; database: string },
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ ...endpoint, ...login, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Retries `check` until it returns a value other than `undefined`, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(50);
  }
  throw new Error(`Timed out waiting for ${what}`, { cause: lastError });
}

/** True when nothing accepts TCP connections on the port any more. */
export async function portIsClosed(endpoint: Endpoint): Promise<boolean> {
  const client = new pg.Client({ ...endpoint, user: 'nobody', database: 'none', connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    await client.end();
    return false;
  } catch (error) {
    return /ECONNREFUSED/.test(String((error as Error).message) + String((error as NodeJS.ErrnoException).code));
  }
}

/**
 * Removes a data directory a test gave the runtime, and the folder it stands for: as root, a
 * directory the server user cannot reach becomes a link to one in the temp directory.
 */
export async function removeDataDir(dataDir: string): Promise<void> {
  const target = await realpath(dataDir).catch(() => dataDir);
  await rm(target, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
}
