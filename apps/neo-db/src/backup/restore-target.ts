import type { AdminLogin } from '@neo/data/cutover';
import type { TlsSettings } from '@neo/topology';

/** The server a backup is restored into, with a login allowed to create databases. */
export interface RestoreTarget {
  /** How messages name it: a cluster name, or `host:port` (never with the password). */
  label: string;
  host: string;
  port: number;
  login: AdminLogin;
  /** Verified TLS to the server (a cluster's `tls`, or the URL's `sslmode=verify-full&sslrootcert=`). */
  tls?: TlsSettings | undefined;
}

/**
 * `--into` as a `postgres://user[:password]@host[:port]` URL. Without a password in the URL,
 * `$PGPASSWORD` is used, as the PostgreSQL programs do. `?sslmode=verify-full&sslrootcert=<ca>`
 * restores over verified TLS.
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
    ...(url.searchParams.get('sslmode') === 'verify-full' ? { tls: tlsOf(url.searchParams) } : {}),
  };
}

function tlsOf(params: URLSearchParams): TlsSettings {
  const ca = params.get('sslrootcert');
  return ca ? { ca } : {};
}
