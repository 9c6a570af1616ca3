import type { AdminLogin } from '@neo/data/cutover';

/** The server a backup is restored into, with a login allowed to create databases. */
export interface RestoreTarget {
  /** How messages name it: a cluster name, or `host:port` (never with the password). */
  label: string;
  host: string;
  port: number;
  login: AdminLogin;
}

/**
 * `--into` as a `postgres://user[:password]@host[:port]` URL. Without a password in the URL,
 * `$PGPASSWORD` is used, as the PostgreSQL programs do.
 */
export function restoreTargetFromUrl(text: string, env: NodeJS.ProcessEnv = process.env): RestoreTarget | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return undefined;
  const password = url.password ? decodeURIComponent(url.password) : env['PGPASSWORD'];
  const port = url.port ? Number(url.port) : 5432;
  return {
    label: `${url.hostname}:${port}`,
    host: url.hostname,
    port,
    login: { user: decodeURIComponent(url.username) || 'postgres', ...(password !== undefined ? { password } : {}) },
  };
}
