import { chown, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { libpqTlsKeywords } from '@neo/topology';
import type { ServerOsUser } from './server-os-user.js';

export interface StandbySource {
  host: string;
  port: number;
  user: string;
  password?: string | undefined;
  /** Shown by the primary in pg_stat_replication. */
  applicationName: string;
  slot: string;
  /** TLS to a primary that accepts nothing else: verified against this CA (sslmode=verify-full). */
  caFile?: string | undefined;
}

/**
 * Points a replica at its primary: `standby.signal` plus `primary_conninfo` and
 * `primary_slot_name` in postgresql.auto.conf (where `pg_basebackup -R` puts
 * them). Rewritten at every start, so a primary that moved to another port is
 * followed.
 */
export async function writeStandbyConfig(dataDir: string, source: StandbySource, user: ServerOsUser | undefined): Promise<void> {
  const autoConf = path.join(dataDir, 'postgresql.auto.conf');
  const previous = await readFile(autoConf, 'utf8').catch(() => '');
  const kept = previous.split('\n').filter((line) => !/^\s*(primary_conninfo|primary_slot_name)\s*=/.test(line) && line !== '');
  const conninfo = [
    ['host', source.host],
    ['port', String(source.port)],
    ['user', source.user],
    ...(source.password === undefined ? [] : [['password', source.password]]),
    ['application_name', source.applicationName],
    ...libpqTlsKeywords(source.caFile === undefined ? undefined : { ca: source.caFile }),
  ]
    .map(([key, value]) => `${key}=${quoteConninfoValue(value ?? '')}`)
    .join(' ');
  const content = [
    ...kept,
    `primary_conninfo = ${quoteConfValue(conninfo)}`,
    `primary_slot_name = ${quoteConfValue(source.slot)}`,
    '',
  ].join('\n');
  await writeFile(autoConf, content, { mode: 0o600 });
  const signal = path.join(dataDir, 'standby.signal');
  await writeFile(signal, '');
  if (user) {
    await chown(autoConf, user.uid, user.gid);
    await chown(signal, user.uid, user.gid);
  }
}

/** Physical slot names allow lower-case letters, digits and "_". */
export function slotNameFor(node: string): string {
  return node.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

function quoteConninfoValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The configuration file reads backslash escapes inside quotes, so both `\` and `'` are escaped. */
function quoteConfValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
