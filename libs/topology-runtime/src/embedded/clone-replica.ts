import { cp, mkdir, rm, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { connect, type ProvisionTarget } from '../provisioning/provision-cluster.js';
import { runProgram } from '../run-program.js';
import { giveToServerUser, type ServerOsUser } from './server-os-user.js';

export interface CloneReplicaOptions {
  /** Superuser connection to the running primary. */
  primary: ProvisionTarget;
  primaryDataDir: string;
  replicaDataDir: string;
  slot: string;
  user: ServerOsUser | undefined;
  /** pg_basebackup to use; the file-copy path when absent. */
  pgBasebackup?: string | undefined;
}

/**
 * Makes a new replica's data directory from a running primary, with a physical
 * replication slot that keeps the WAL the replica still needs.
 */
export async function cloneReplica(options: CloneReplicaOptions): Promise<'pg_basebackup' | 'copy'> {
  await rm(options.replicaDataDir, { recursive: true, force: true });
  // A slot left by an earlier replica of the same name would make `-C` fail and pin old WAL.
  await dropSlotIfExists(options.primary, options.slot);
  if (options.pgBasebackup) {
    await cloneWithPgBasebackup(options, options.pgBasebackup);
    return 'pg_basebackup';
  }
  await cloneWithFileCopy(options);
  return 'copy';
}

async function cloneWithPgBasebackup(options: CloneReplicaOptions, pgBasebackup: string): Promise<void> {
  const { primary } = options;
  await runProgram(
    pgBasebackup,
    [
      `--pgdata=${options.replicaDataDir}`,
      `--host=${primary.host}`,
      `--port=${primary.port}`,
      `--username=${primary.user}`,
      '--no-password',
      '--wal-method=stream',
      '--checkpoint=fast',
      '--write-recovery-conf',
      '--create-slot',
      `--slot=${options.slot}`,
      '--no-sync',
    ],
    {
      user: options.user,
      password: primary.password,
      tls: primary.tls,
    },
  );
}

/** Files a base backup leaves out (see PostgreSQL's "Making a Base Backup Using the Low Level API"). */
const EXCLUDED_FROM_COPY = new Set([
  'postmaster.pid',
  'postmaster.opts',
  'standby.signal',
  'recovery.signal',
  'backup_label',
  'tablespace_map',
  'pg_internal.init',
]);
const EMPTIED_IN_COPY = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_stat_tmp',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_subtrans',
]);

/**
 * The no-tool path, for machines with only the embedded binaries: the low-level
 * backup API around a plain copy of the data directory. WAL is not copied; the
 * replica streams it through its slot, which was reserved before the backup began.
 */
async function cloneWithFileCopy(options: CloneReplicaOptions): Promise<void> {
  const client = await connect(options.primary, 'postgres');
  try {
    await client.query('select pg_create_physical_replication_slot($1, true)', [options.slot]);
    await client.query('select pg_backup_start($1, true)', [`clone ${options.slot}`]);
    let labelFile: string;
    try {
      await copyDataDir(options.primaryDataDir, options.replicaDataDir);
    } finally {
      const { rows } = await client.query<{ labelfile: string }>('select labelfile from pg_backup_stop(false)');
      labelFile = rows[0]?.labelfile ?? '';
    }
    await writeFile(path.join(options.replicaDataDir, 'backup_label'), labelFile);
  } finally {
    await client.end();
  }
  for (const dir of EMPTIED_IN_COPY) await mkdir(path.join(options.replicaDataDir, dir), { recursive: true, mode: 0o700 });
  await mkdir(path.join(options.replicaDataDir, 'pg_wal', 'archive_status'), { recursive: true, mode: 0o700 });
  await chmod(options.replicaDataDir, 0o700);
  await giveToServerUser(options.replicaDataDir, options.user);
}

async function copyDataDir(from: string, to: string): Promise<void> {
  const filter = (source: string): boolean => {
    const relative = path.relative(from, source);
    if (relative === '') return true;
    const [top, ...rest] = relative.split(path.sep);
    if (rest.length === 0 && EXCLUDED_FROM_COPY.has(top ?? '')) return false;
    if (EMPTIED_IN_COPY.has(top ?? '') && rest.length > 0) return false;
    if (path.basename(source).startsWith('pgsql_tmp') || path.basename(source) === 'pg_internal.init') return false;
    return true;
  };
  try {
    await cp(from, to, { recursive: true, filter, force: true });
  } catch (error) {
    // A temporary file of the running primary vanished mid-copy: copy again over what is there.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await cp(from, to, { recursive: true, filter, force: true });
  }
}

async function dropSlotIfExists(primary: ProvisionTarget, slot: string): Promise<void> {
  const client = await connect(primary, 'postgres');
  try {
    await client.query('select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1', [slot]);
  } finally {
    await client.end();
  }
}
