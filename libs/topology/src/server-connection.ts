import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import type { ClientConfig } from 'pg';
import type { TlsSettings } from './topology.schema.js';

/**
 * Where a server is, how to log in, and its cluster's TLS: a `DataNode`, or a node's endpoint with
 * an admin login (`{ ...endpoint, ...admin, database }`). The one input every connection of the
 * project is built from, so a cluster that declares `tls` is reached over verified TLS by each of
 * them: node-postgres clients, libpq connection strings (subscriptions, exporters) and programs
 * (pg_dump, pg_restore, pgBackRest, pg_basebackup).
 */
export interface ServerLogin {
  host: string;
  port: number;
  user: string;
  password?: string | undefined;
  database?: string | undefined;
  /** TLS with verification of the server (sslmode=verify-full); plain TCP when absent. */
  tls?: TlsSettings | undefined;
}

/** node-postgres client settings (host, port, login, database, and `ssl` for a TLS cluster). */
export function pgClientConfig(login: ServerLogin): ClientConfig {
  return {
    host: login.host,
    port: login.port,
    user: login.user,
    ...(login.password !== undefined ? { password: login.password } : {}),
    ...(login.database !== undefined ? { database: login.database } : {}),
    ...(login.tls ? { ssl: verifyFull(login.host, login.tls) } : {}),
  };
}

/**
 * node-postgres TLS options of sslmode=verify-full: the chain must lead to the CA, and the
 * certificate must name the host (or `serverName`). node-postgres checks IP hosts against
 * "localhost", so the host is checked here explicitly.
 */
export function verifyFull(host: string, settings: TlsSettings): ConnectionOptions {
  const expected = settings.serverName ?? host;
  return {
    rejectUnauthorized: true,
    ...(settings.ca ? { ca: readFileSync(settings.ca, 'utf8') } : {}),
    ...(settings.cert ? { cert: readFileSync(settings.cert, 'utf8') } : {}),
    ...(settings.key ? { key: readFileSync(settings.key, 'utf8') } : {}),
    checkServerIdentity: (_name, certificate) => checkServerIdentity(expected, certificate),
  };
}

/**
 * The libpq keywords of sslmode=verify-full (`sslmode`, `sslrootcert`, `sslcert`, `sslkey`), or
 * none for a plain cluster. A `serverName` other than an IP host is checked by libpq as `host`,
 * while `hostaddr` keeps the address: see `libpqKeywords`.
 */
export function libpqTlsKeywords(tls: TlsSettings | undefined): Array<[string, string]> {
  if (!tls) return [];
  // Without a client certificate, name a file that does not exist: libpq would otherwise look for
  // $HOME/.postgresql/postgresql.crt, and fail where the program's OS user cannot read $HOME.
  const cert = tls.cert ?? (tls.ca ? path.join(path.dirname(tls.ca), 'no-client-certificate') : undefined);
  return [
    ['sslmode', 'verify-full'],
    ...(tls.ca ? [['sslrootcert', tls.ca] as [string, string]] : []),
    ...(cert ? [['sslcert', cert] as [string, string]] : []),
    ...(tls.key ? [['sslkey', tls.key] as [string, string]] : []),
  ];
}

/** Every libpq keyword of a login except the password: host (and hostaddr), port, user, dbname, TLS. */
export function libpqKeywords(login: ServerLogin): Array<[string, string]> {
  const serverName = login.tls?.serverName;
  // libpq checks the certificate against `host`; `hostaddr` says where to connect.
  const host: Array<[string, string]> =
    serverName && isIP(login.host) !== 0
      ? [
          ['host', serverName],
          ['hostaddr', login.host],
        ]
      : [['host', login.host]];
  return [
    ...host,
    ['port', String(login.port)],
    ['user', login.user],
    ...(login.database !== undefined ? [['dbname', login.database] as [string, string]] : []),
    ...libpqTlsKeywords(login.tls),
  ];
}

/**
 * A libpq key=value connection string (`host='…' port='…' … sslmode='verify-full'`), password
 * included when the login has one: for a subscription's CONNECTION. Never log it.
 */
export function libpqConninfo(login: ServerLogin): string {
  const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const keywords = [...libpqKeywords(login), ...(login.password !== undefined ? [['password', login.password] as [string, string]] : [])];
  return keywords.map(([key, value]) => `${key}=${quote(value)}`).join(' ');
}

/** The `PG*` environment libpq programs read for the TLS part of a login (PGSSLMODE, PGSSLROOTCERT, …). */
export function libpqTlsEnv(tls: TlsSettings | undefined): Record<string, string> {
  const names: Record<string, string> = { sslmode: 'PGSSLMODE', sslrootcert: 'PGSSLROOTCERT', sslcert: 'PGSSLCERT', sslkey: 'PGSSLKEY' };
  return Object.fromEntries(libpqTlsKeywords(tls).map(([key, value]) => [names[key]!, value]));
}
