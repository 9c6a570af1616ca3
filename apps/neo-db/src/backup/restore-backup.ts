import { join } from 'node:path';
import pg from 'pg';
import pLimit from 'p-limit';
import { pgClientConfig } from '@neo/topology';
import { quoteIdent, STABLE_TEXT_SETTINGS } from '@neo/data/cutover';
import { readManifest, sha256Of, type DumpEntry } from './backup-manifest.js';
import { targetLabel, type BackupScope } from './backup-targets.js';
import { findPostgresProgram, majorOf, runProgram } from '@neo/topology-runtime';
import type { RestoreTarget } from './restore-target.js';
import { settleAll } from './settle-all.js';
import { snapshotTables } from './table-snapshots.js';

export interface RestoreOptions {
  /** The dated folder `neo-db backup` made. */
  folder: string;
  into: RestoreTarget;
  scope?: BackupScope;
  /** Replace databases that already exist on the target (their connections are ended). */
  force?: boolean;
  jobs?: number;
  log(line: string): void;
}

export interface RestoredDatabase {
  label: string;
  database: string;
  tables: number;
  rowsVerified: number;
  durationMs: number;
}

/** Raised when restoring would replace a live database and `force` was not given; nothing was changed. */
export class RestoreRefusedError extends Error {
  override name = 'RestoreRefusedError';
}

/**
 * `neo-db restore <backup> --into <target>`: checks each dump's sha256, restores it with
 * pg_restore into a fresh database of the same name, then reads every table's row count and
 * checksum and compares them with the manifest (the dump's own snapshot). It reports a database
 * restored only when every table matches; any difference fails the restore, naming the table.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoredDatabase[]> {
  const manifest = await readManifest(options.folder);
  const scope = options.scope ?? {};
  const dumps = manifest.dumps.filter(
    (dump) =>
      (scope.cluster === undefined || dump.cluster === scope.cluster) && (scope.service === undefined || dump.service === scope.service),
  );
  if (dumps.length === 0) {
    const held = [...new Set(manifest.dumps.map((dump) => dump.service ?? 'monolith'))].join(', ');
    throw new Error(`The backup ${options.folder} holds nothing for ${describeScope(scope)} — it holds: ${held}`);
  }
  const admin = await connect(options.into, 'postgres');
  let serverMajor: number;
  try {
    serverMajor = majorOf((await admin.query<{ v: string }>(`SELECT current_setting('server_version_num') AS v`)).rows[0]!.v);
    const { rows } = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1)', [
      dumps.map((dump) => dump.database),
    ]);
    if (rows.length > 0 && !options.force) {
      throw new RestoreRefusedError(
        `Refusing to overwrite ${rows.length} live database(s) on ${options.into.label}: ${rows.map((row) => row.datname).join(', ')}. ` +
          'Restore into another server, drop them first, or pass --force to replace them (their connections are ended).',
      );
    }
  } finally {
    await admin.end();
  }
  const pgRestore = await findPostgresProgram('pg_restore', serverMajor);
  // Every dump is checked before the first database is replaced: a damaged backup changes nothing.
  for (const dump of dumps) await checkDumpFile(dump, options.folder);
  const limit = pLimit(Math.max(1, options.jobs ?? 2));
  return settleAll(dumps.map((dump) => limit(() => restoreOne(dump, pgRestore, options))));
}

async function checkDumpFile(dump: DumpEntry, folder: string): Promise<void> {
  const label = targetLabel(dump);
  const file = join(folder, dump.file);
  const sha256 = await sha256Of(file).catch((cause: unknown) => {
    throw new Error(`${label}: the dump ${file} cannot be read`, { cause });
  });
  if (sha256 !== dump.sha256) {
    throw new Error(
      `${label}: the dump ${file} is damaged: its sha256 is ${sha256}, the manifest says ${dump.sha256}. Restore another backup.`,
    );
  }
}

async function restoreOne(dump: DumpEntry, pgRestore: string, options: RestoreOptions): Promise<RestoredDatabase> {
  const started = Date.now();
  const label = targetLabel(dump);
  const file = join(options.folder, dump.file);
  const sha256 = await sha256Of(file).catch((cause: unknown) => {
    throw new Error(`${label}: the dump ${file} cannot be read`, { cause });
  });
  if (sha256 !== dump.sha256) {
    throw new Error(
      `${label}: the dump ${file} is damaged: its sha256 is ${sha256}, the manifest says ${dump.sha256}. Restore another backup.`,
    );
  }

  const ownerExists = await recreateDatabase(dump, options.into);
  const args = [
    ...[`--host=${options.into.host}`, `--port=${options.into.port}`, `--username=${options.into.login.user}`, `--dbname=${dump.database}`],
    // A restored copy must not start pulling from the servers the original subscribed to.
    ...['--no-password', '--exit-on-error', '--no-subscriptions'],
    // Without the original owner role on this server, the objects belong to the restoring login.
    ...(ownerExists ? [] : ['--no-owner', '--no-acl']),
    file,
  ];
  try {
    await runProgram(pgRestore, args, { password: options.into.login.password, tls: options.into.tls, cwd: process.cwd() });
  } catch (cause) {
    throw new Error(`${label}: restoring into ${options.into.label} failed: ${(cause as Error).message}`, { cause });
  }

  const restored = await connect(options.into, dump.database);
  let differences: string[];
  try {
    await restored.query(STABLE_TEXT_SETTINGS);
    await restored.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    differences = compareTables(dump, await snapshotTables(restored));
    await restored.query('COMMIT');
  } finally {
    await restored.end();
  }
  if (differences.length > 0) {
    throw new Error(`${label}: the restored database differs from the backup's snapshot:\n  - ${differences.join('\n  - ')}`);
  }
  const rowsVerified = dump.tables.reduce((total, table) => total + table.rows, 0);
  const durationMs = Date.now() - started;
  options.log(
    `  ${label}: restored into ${options.into.label}, ${dump.tables.length} tables and ${rowsVerified} rows verified, ${(durationMs / 1000).toFixed(1)} s`,
  );
  return { label, database: dump.database, tables: dump.tables.length, rowsVerified, durationMs };
}

/** Every table of the manifest with equal rows and checksum, and no table the manifest does not know. */
export function compareTables(dump: Pick<DumpEntry, 'tables'>, actual: DumpEntry['tables']): string[] {
  const key = (table: { schema: string; table: string }) => `${table.schema}.${table.table}`;
  const found = new Map(actual.map((table) => [key(table), table]));
  const differences: string[] = [];
  for (const expected of dump.tables) {
    const got = found.get(key(expected));
    if (!got) differences.push(`${key(expected)} is missing`);
    else if (got.rows !== expected.rows) differences.push(`${key(expected)} has ${got.rows} rows, the backup ${expected.rows}`);
    else if (got.checksum !== expected.checksum)
      differences.push(`${key(expected)} has the backup's ${expected.rows} rows but different contents (checksum)`);
    found.delete(key(expected));
  }
  for (const extra of found.keys()) differences.push(`${extra} is not in the backup`);
  return differences;
}

/** Drops the database when it exists (only reached with --force) and creates it empty; resolves to whether its owner role exists here. */
async function recreateDatabase(dump: DumpEntry, into: RestoreTarget): Promise<boolean> {
  const admin = await connect(into, 'postgres');
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(dump.database)} WITH (FORCE)`);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [dump.owner]);
    const ownerExists = Boolean(rowCount);
    await admin.query(
      `CREATE DATABASE ${quoteIdent(dump.database)} TEMPLATE template0${ownerExists ? ` OWNER ${quoteIdent(dump.owner)}` : ''}`,
    );
    return ownerExists;
  } finally {
    await admin.end();
  }
}

async function connect(into: RestoreTarget, database: string): Promise<pg.Client> {
  const client = new pg.Client({
    ...pgClientConfig({ host: into.host, port: into.port, database, ...into.login, tls: into.tls }),
    application_name: 'neo-db restore',
  });
  try {
    await client.connect();
  } catch (cause) {
    throw new Error(`Cannot connect to ${into.label} as ${into.login.user}: ${(cause as Error).message}`, { cause });
  }
  return client;
}

function describeScope(scope: BackupScope): string {
  if (scope.service) return `service "${scope.service}"`;
  if (scope.cluster) return `cluster "${scope.cluster}"`;
  return 'anything';
}
