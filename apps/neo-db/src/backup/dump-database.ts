import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { pgClientConfig, type TlsSettings } from '@neo/topology';
import { STABLE_TEXT_SETTINGS, type AdminLogin } from '@neo/data/cutover';
import { sha256Of, type DumpEntry } from './backup-manifest.js';
import type { BackupTarget } from './backup-targets.js';
import { findPostgresProgram, majorOf, runProgram } from '@neo/topology-runtime';
import { snapshotTables } from './table-snapshots.js';

export interface DumpSource {
  node: string;
  host: string;
  port: number;
  login: AdminLogin;
  /** The cluster's TLS (verify-full), for the snapshot's connection and pg_dump alike. */
  tls?: TlsSettings | undefined;
}

/**
 * Dumps one database with pg_dump (custom format, compressed) into `folder`, and reads the
 * row count and checksum of every table in the very snapshot pg_dump reads: a REPEATABLE READ
 * transaction exports its snapshot and pg_dump joins it with `--snapshot`, so the manifest
 * describes exactly the rows in the dump, however many writes run meanwhile.
 */
export async function dumpDatabase(target: BackupTarget, source: DumpSource, folder: string): Promise<DumpEntry> {
  const started = Date.now();
  const client = new pg.Client({
    ...pgClientConfig({ host: source.host, port: source.port, database: target.database, ...source.login, tls: source.tls }),
    application_name: 'neo-db backup',
  });
  await client.connect();
  try {
    await client.query(STABLE_TEXT_SETTINGS);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ snapshot: string; lsn: string; at: Date; version: string; version_num: string; owner: string }>(
      `SELECT pg_export_snapshot() AS snapshot, pg_current_wal_lsn()::text AS lsn, now() AS at,
              current_setting('server_version') AS version, current_setting('server_version_num') AS version_num,
              (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()) AS owner`,
    );
    const snapshot = rows[0]!;
    const pgDump = await findPostgresProgram('pg_dump', majorOf(snapshot.version_num));
    const file = `${target.cluster}/${target.database}.dump`;
    const args = [
      ...['--format=custom', '--compress=6', `--snapshot=${snapshot.snapshot}`, `--file=${join(folder, file)}`],
      ...[
        `--host=${source.host}`,
        `--port=${source.port}`,
        `--username=${source.login.user}`,
        `--dbname=${target.database}`,
        '--no-password',
      ],
    ];
    // pg_dump and the checksums read the same snapshot side by side; the transaction that
    // exported it stays open until both are done.
    const [tables] = await Promise.all([
      snapshotTables(client),
      runProgram(pgDump, args, { password: source.login.password, tls: source.tls, cwd: process.cwd() }),
    ]);
    await client.query('COMMIT');
    const path = join(folder, file);
    return {
      ...target,
      file,
      server: { node: source.node, host: source.host, port: source.port, version: snapshot.version },
      owner: snapshot.owner,
      sizeBytes: (await stat(path)).size,
      sha256: await sha256Of(path),
      walLsn: snapshot.lsn,
      snapshotAt: snapshot.at.toISOString(),
      durationMs: Date.now() - started,
      tables,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
